import { defineRoutes } from '@mega/core'
import { BoardChannel } from '../channels/board-channel.js'
import { requireBoard, requireViewer } from '../http/live-guard.js'

// The live board: a WebSocket per viewer of a board. The upgrade goes through the hooks like any
// request: no token and no page session is a 401, an unknown board a 404, and the socket never opens.
export default defineRoutes((r) => {
  r.ws('/boards/:id/live', BoardChannel, {
    name: 'boards.live',
    before: [requireViewer, requireBoard],
  })
})
