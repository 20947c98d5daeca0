import { defineRoutes } from '@mega/core'

export default defineRoutes((r) => {
  r.get('/', { name: 'home', summary: 'What this app serves' }, () => ({
    hello: 'mega crud example',
    try: [
      'POST /auth/register',
      'POST /auth/login',
      'GET /auth/me',
      'GET /users',
      'GET /boards',
      'GET /logs',
      'GET /admin/log-partitions',
      'GET /web/register (HTML pages, in a browser)',
    ],
  }))
})
