// The live board page's only script (the CSP allows no inline script), an ES module: opens the board's
// WebSocket on the page's own origin (the session cookie signs it in) with @mega/ws-client's browser
// build, shows who is viewing, and adds, changes or removes notes as the server says (note.created,
// note.updated, note.deleted). The client reconnects with backoff when the link drops.
import { MegaWsClient } from '/vendor/ws-client/index.js'

const board = document.getElementById('board')
if (board) start(board)

function start(board) {
  const notes = document.getElementById('notes')
  const empty = document.getElementById('no-notes')
  const viewersEl = document.getElementById('viewers')
  const status = document.getElementById('live-status')
  const viewers = new Map() // userId -> { name, conns }

  const showViewers = () => {
    const names = [...viewers.values()].map((v) => v.name)
    viewersEl.textContent = names.length > 0 ? names.join(', ') : 'nobody'
  }

  const noteItem = (note) => {
    const li = document.createElement('li')
    li.dataset.noteId = String(note.id)
    const title = document.createElement('strong')
    title.textContent = note.title
    const body = document.createElement('span')
    body.textContent = note.body
    li.append(title, ' ', body)
    return li
  }

  const findNote = (id) => notes.querySelector('li[data-note-id="' + Number(id) + '"]')

  const url = location.origin.replace(/^http/, 'ws') + '/boards/' + board.dataset.boardId + '/live'
  const client = new MegaWsClient({ url })
  client.on('viewers', (list) => {
    viewers.clear()
    for (const v of list) viewers.set(String(v.id), { name: v.name, conns: 1 })
    showViewers()
  })
  client.on('mega.presence.join', (m) => {
    const v = viewers.get(m.userId)
    if (v) v.conns += 1
    else viewers.set(m.userId, { name: String(m.metadata.name || ''), conns: 1 })
    showViewers()
  })
  client.on('mega.presence.leave', (m) => {
    const v = viewers.get(m.userId)
    if (v && --v.conns <= 0) viewers.delete(m.userId)
    showViewers()
  })
  client.on('note.created', (note) => {
    if (findNote(note.id)) return
    notes.append(noteItem(note))
    empty.hidden = true
  })
  client.on('note.updated', (note) => {
    const old = findNote(note.id)
    if (old) old.replaceWith(noteItem(note))
  })
  client.on('note.deleted', (note) => {
    findNote(note.id)?.remove()
    empty.hidden = notes.children.length > 0
  })
  client.onEvent('open', () => (status.textContent = 'live'))
  client.onEvent('reconnecting', () => (status.textContent = 'reconnecting…'))
  client.onEvent('closed', (e) => {
    if (e.final) status.textContent = 'offline: reload to reconnect'
  })
  client.connect().catch(() => undefined) // a final close shows in the status line
}
