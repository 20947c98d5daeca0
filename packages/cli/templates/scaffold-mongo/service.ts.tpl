import { MegaService } from '@mega/core'
import { createMongoCrud, type MongoDbAdapter } from '@mega/db'
import { {{Name}} } from '../models/{{name}}-model.js'

/** Paging of {{Name}}Service.list. */
export interface {{Name}}Page {
  readonly page?: number
  readonly perPage?: number
}

/**
 * The `{{table}}` documents of MongoDB through createMongoCrud: input validated by the model, a 404
 * for a missing id, increment ids from the `counters` collection. Available as `ctx.services.{{camel}}`.
 */
export default class {{Name}}Service extends MegaService {
  #crud() {
    return createMongoCrud({{Name}}, this.db<MongoDbAdapter>())
  }

  list(query: {{Name}}Page = {}) {
    return this.#crud().list({ ...query, sort: ['id'] })
  }

  get(id: number) {
    return this.#crud().get(id)
  }

  create(input: typeof {{Name}}.$insert) {
    return this.#crud().create(input)
  }

  update(id: number, input: typeof {{Name}}.$update) {
    return this.#crud().update(id, input)
  }

  remove(id: number) {
    return this.#crud().remove(id)
  }
}

// Types `ctx.services.{{camel}}` in every handler.
declare module '@mega/core' {
  interface MegaServices {
    {{camel}}: {{Name}}Service
  }
}
