import { MegaService } from '@mega/core'

/** {{Name}}Service: available as `ctx.services.{{camel}}` in handlers and other services. */
export default class {{Name}}Service extends MegaService {
  async describe(): Promise<string> {
    return `{{name}} service of app ${this.app.name}`
  }
}

// Types `ctx.services.{{camel}}` in every handler.
declare module '@mega/core' {
  interface MegaServices {
    {{camel}}: {{Name}}Service
  }
}
