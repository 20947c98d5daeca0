// Socket.IO, as its users write a broadcast: every socket joins a room, `socket.to(room).emit`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { PUBLISH_TYPE, TICK_TYPE, type FanoutPayload } from './fanout-payload.js'
import { announce, argValue } from './server-ipc.js'

const ROOM = 'fanout'
const server = createServer()
const io = new Server(server)

io.on('connection', (socket) => {
  void socket.join(ROOM)
  // to everyone in the room but the publisher (as Mega's `except` and the raw loop do)
  socket.on(PUBLISH_TYPE, (data: FanoutPayload) => socket.to(ROOM).emit(TICK_TYPE, data))
})

server.listen(Number(argValue('port', '0')), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  announce(`http://127.0.0.1:${port}`)
})
