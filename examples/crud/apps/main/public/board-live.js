// The live board page's only script (the CSP allows no inline script): opens the board's WebSocket
// on the page's own origin (the session cookie signs it in), shows who is viewing, and adds, changes
// or removes notes as the server says (note.created, note.updated, note.deleted).
;(function () {
  'use strict'
  var board = document.getElementById('board')
  if (!board) return
  var notes = document.getElementById('notes')
  var empty = document.getElementById('no-notes')
  var viewersEl = document.getElementById('viewers')
  var status = document.getElementById('live-status')
  var viewers = new Map() // userId -> { name, conns }

  function showViewers() {
    var names = []
    viewers.forEach(function (v) {
      names.push(v.name)
    })
    viewersEl.textContent = names.length > 0 ? names.join(', ') : 'nobody'
  }

  function setViewers(list) {
    viewers.clear()
    list.forEach(function (v) {
      viewers.set(String(v.id), { name: v.name, conns: 1 })
    })
    showViewers()
  }

  function noteItem(note) {
    var li = document.createElement('li')
    li.dataset.noteId = String(note.id)
    var title = document.createElement('strong')
    title.textContent = note.title
    var body = document.createElement('span')
    body.textContent = note.body
    li.append(title, ' ', body)
    return li
  }

  function findNote(id) {
    return notes.querySelector('li[data-note-id="' + Number(id) + '"]')
  }

  var on = {
    viewers: setViewers,
    'mega.presence.join': function (m) {
      var v = viewers.get(m.userId)
      if (v) v.conns += 1
      else viewers.set(m.userId, { name: String(m.metadata.name || ''), conns: 1 })
      showViewers()
    },
    'mega.presence.leave': function (m) {
      var v = viewers.get(m.userId)
      if (v && --v.conns <= 0) viewers.delete(m.userId)
      showViewers()
    },
    'note.created': function (note) {
      if (findNote(note.id)) return
      notes.append(noteItem(note))
      empty.hidden = true
    },
    'note.updated': function (note) {
      var old = findNote(note.id)
      if (old) old.replaceWith(noteItem(note))
    },
    'note.deleted': function (note) {
      var old = findNote(note.id)
      if (old) old.remove()
      empty.hidden = notes.children.length > 0
    },
  }

  var url = location.origin.replace(/^http/, 'ws') + '/boards/' + board.dataset.boardId + '/live'
  var socket = new WebSocket(url, ['mega.v1'])
  socket.addEventListener('open', function () {
    status.textContent = 'live'
  })
  socket.addEventListener('close', function () {
    status.textContent = 'offline: reload to reconnect'
  })
  socket.addEventListener('message', function (event) {
    var message = JSON.parse(event.data)
    var handle = on[message.type]
    if (handle) handle(message.data)
  })
})()
