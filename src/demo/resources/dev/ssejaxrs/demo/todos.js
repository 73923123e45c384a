// The script of /todos (a file of its own: the Content-Security-Policy allows no inline script)
const status = document.getElementById('status');
const source = new EventSource('/todos/stream');
source.onopen = () => { status.textContent = 'open'; status.className = 'open'; };
source.onerror = () => { status.textContent = 'reconnecting'; status.className = 'closed'; };
source.addEventListener('todo_added', (e) => {
  const todo = JSON.parse(e.data);
  const row = document.createElement('tr');
  row.className = 'todo';
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
