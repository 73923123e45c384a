// The /chat page: an answer streamed by fetch (POST /chat), kept in sessionStorage with the last id seen, and
// resumed after a reload with GET /chat/{id} and Last-Event-ID, so every word shows once.
'use strict';
const KEY = 'sse-jaxrs-chat';
const form = document.getElementById('ask');
const statusEl = document.getElementById('status');
const answerEl = document.getElementById('answer');
let state = JSON.parse(sessionStorage.getItem(KEY) || 'null'); // {id, lastEventId, words, finished}

function show(status) {
  statusEl.textContent = status;
  answerEl.textContent = state ? state.words.join(' ') : '';
  document.getElementById('answer-id').textContent = state ? state.id : '-';
  document.getElementById('last-id').textContent = state && state.lastEventId ? state.lastEventId : '-';
}

function save() {
  sessionStorage.setItem(KEY, JSON.stringify(state)); // the words and the last id together: never one without the other
}

// WHATWG event-stream parsing, enough for this page: data, event, id; comments and other fields ignored
function dispatch(event) {
  if (event.id !== null) {
    state.lastEventId = event.id;
  }
  if (event.data.length > 0) {
    const data = event.data.join('\n');
    if (event.type === 'token') {
      state.words.push(data);
    } else if (event.type === 'done' || event.type === 'cancelled' || event.type === 'error') {
      state.finished = event.type;
    }
  }
  save();
  show(state.finished || 'streaming');
}

async function read(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = {type: 'message', data: [], id: null};
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += chunk.value;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (let line of lines) {
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
      }
      if (line === '') {
        if (event.data.length > 0 || event.id !== null) {
          dispatch(event);
        }
        event = {type: 'message', data: [], id: null};
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) {
        continue; // a comment (a ping)
      }
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'data') {
        event.data.push(value);
      } else if (field === 'event') {
        event.type = value;
      } else if (field === 'id') {
        event.id = value;
      }
    }
  }
}

async function resume() {
  while (state && !state.finished) {
    show('resuming');
    const headers = {'Accept': 'text/event-stream'};
    if (state.lastEventId) {
      headers['Last-Event-ID'] = state.lastEventId;
    }
    try {
      const response = await fetch('/chat/' + encodeURIComponent(state.id), {headers});
      if (response.status === 204) {
        state.finished = 'done'; // nothing left to send: the answer is complete
      } else if (response.status === 404) {
        state.finished = 'lost';
      } else {
        await read(response);
      }
    } catch (e) {
      // the connection broke: try again below
    }
    save();
    if (!state.finished) {
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
  show(state ? state.finished : 'idle');
}

form.addEventListener('submit', async e => {
  e.preventDefault();
  const body = {prompt: form.prompt.value, words: Number(form.words.value), wordMs: Number(form.wordMs.value)};
  show('starting');
  const response = await fetch('/chat', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'Accept': 'text/event-stream'},
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    show('refused: ' + (await response.text()));
    return;
  }
  const id = response.headers.get('Location').replace(/^.*\//, '');
  state = {id, lastEventId: null, words: [], finished: null};
  save();
  show('streaming');
  try {
    await read(response);
  } catch (err) {
    // the connection broke: resume below
  }
  resume();
});

document.getElementById('cancel').addEventListener('click', () => {
  if (state && !state.finished) {
    fetch('/chat/' + encodeURIComponent(state.id), {method: 'DELETE'});
  }
});

show(state ? (state.finished || 'resuming') : 'idle');
resume();
