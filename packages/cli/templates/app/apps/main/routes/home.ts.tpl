import { defineRoutes } from '@mega/core'

export default defineRoutes((r) => {
  r.get('/', { name: 'home', summary: 'Says hello' }, () => ({
    hello: '{{name}}',{{homeTry}}
  }))
})
