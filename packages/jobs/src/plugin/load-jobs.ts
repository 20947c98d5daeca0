import type { PluginApp } from '@mega/core'
import { jobsError } from '../errors.js'
import { resolveJobSubject, type JobClass } from '../queue/mega-job.js'

/** One job class an app declares, with the file it came from. */
export interface LoadedJob {
  readonly subject: string
  readonly file: string
  readonly JobClass: JobClass
}

/**
 * Loads `apps/<app>/jobs/*-job.*`: each default export is a `MegaJob` subclass (checked by shape, so
 * a class from another copy of @mega/jobs passes); two jobs on one subject are refused.
 */
export async function loadJobs(app: PluginApp): Promise<LoadedJob[]> {
  const jobs: LoadedJob[] = []
  for (const { file, value } of await app.loadModules('jobs', '-job')) {
    const run = (value as { prototype?: { run?: unknown } } | undefined)?.prototype?.run
    if (typeof value !== 'function' || typeof run !== 'function')
      throw jobsError(
        'MEGA_JOB_INVALID',
        `${file} must export a job class by default: export default class SendEmailJob extends MegaJob { async run(payload, ctx) {} }.`,
      )
    const JobClass = value as JobClass
    const subject = resolveJobSubject(JobClass)
    const other = jobs.find((j) => j.subject === subject)
    if (other !== undefined)
      throw jobsError(
        'MEGA_JOB_INVALID',
        `App "${app.name}" has two jobs on the subject "${subject}" (${other.file} and ${file}): give one a static subject of its own.`,
      )
    jobs.push({ subject, file, JobClass })
  }
  return jobs
}
