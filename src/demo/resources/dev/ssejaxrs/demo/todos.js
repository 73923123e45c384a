// The script of /todos (a file of its own: the Content-Security-Policy allows no inline script)
const status = document.getElementById('status');
// The server rendered the rows and took the stream's cursor first (registry.head): subscribe from it. A reconnect
// then sends the browser's own Last-Event-ID header, which wins over the query parameter.
const cursor = document.body.dataset.cursor;
document.getElementById('cursor').textContent = cursor || '-';
const source = new EventSource('/todos/stream' + (cursor ? '?lastEventId=' + encodeURIComponent(cursor) : ''));
// A row committed after the cursor but before the server's query is in the page and in the stream: skip it
const shown = new Set(Array.from(document.querySelectorAll('#todos tr.todo')).map((r) => r.dataset.id));
document.getElementById('count').textContent = shown.size;
source.onopen = () => { status.textContent = 'open'; status.className = 'open'; };
source.onerror = () => { status.textContent = 'reconnecting'; status.className = 'closed'; };
source.addEventListener('todo_added', (e) => {
  const todo = JSON.parse(e.data);
  if (shown.has(String(todo.id))) return;
  shown.add(String(todo.id));
  const row = document.createElement('tr');
  row.className = 'todo';
  row.dataset.id = todo.id;
  for (const [cls, text] of [['id', todo.id], ['title', todo.title], ['at', todo.created_at]]) {
    const cell = document.createElement('td');
    cell.className = cls;
    cell.textContent = text;   // text, never markup
    row.appendChild(cell);
  }
  document.getElementById('todos').prepend(row);
  document.getElementById('count').textContent = document.querySelectorAll('#todos tr.todo').length;
});
source.addEventListener('notifications-missed', (e) => {
  // NOTIFY is not durable: the server lost its database connection for a while; reload to see every row
  const row = document.createElement('tr');
  row.className = 'gap';
  row.innerHTML = '<td colspan="3"></td>';
  row.firstChild.textContent = 'the feed was interrupted (' + e.data + '): reload to be sure you see every row';
  document.getElementById('todos').prepend(row);
});
document.getElementById('add').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  await fetch('/todos', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                          body: JSON.stringify({ title: form.elements.title.value }) });
  form.elements.title.value = '';
});
