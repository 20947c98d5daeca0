import { defineRoutes } from '@mega/core'
import { {{camel}}Controller } from '../controllers/{{name}}-controller.js'

export default defineRoutes((r) => {
  r.resource('{{name}}', {{camel}}Controller)
})
