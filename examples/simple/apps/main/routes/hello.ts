import { defineRoutes } from '@mega/core'

export default defineRoutes((r) => {
  r.get('/', { name: 'home' }, () => ({
    hello: 'mega',
    docs: 'GET /notes, POST /notes, GET /notes/:id',
  }))
})
