// The script of / (a file of its own: the Content-Security-Policy allows no inline script)
// The topic: the browser's own EventSource reconnects by itself with Last-Event-ID; the server replays the gap.
const topic = new URLSearchParams(location.search).get('topic') || 'demo';
document.getElementById('topic').textContent = topic;
const url = '/topics/' + encodeURIComponent(topic);
const source = new EventSource(url);
const listened = new Set();
const status = document.getElementById('status');
source.onopen = () => { status.textContent = 'open'; status.className = 'state open'; };
source.onerror = () => { status.textContent = 'reconnecting'; status.className = 'state closed'; };
function show(e) {
  const row = document.createElement('tr');
  row.className = 'event';
  for (const text of [e.lastEventId, e.type, e.data]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.appendChild(cell);
  }
  document.getElementById('events').appendChild(row);
  document.getElementById('last-id').textContent = e.lastEventId || '-';
  document.getElementById('count').textContent = document.querySelectorAll('#events tr').length;
}
function listen(name) {
  if (!listened.has(name)) { listened.add(name); source.addEventListener(name, show); }
}
['message', 'update', 'alert', 'replay-incomplete'].forEach(listen);
// Presence: the topic's open streams on every node (this page's one included), the current count first, then
// one event a second at most while it changes (GET /topics/{topic}/presence/stream)
const watchers = new EventSource(url + '/presence/stream');
watchers.addEventListener('presence', (e) => {
  document.getElementById('watching').textContent = JSON.parse(e.data).count;
});
document.getElementById('publish').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const name = form.event.value.trim();
  if (name) listen(name);
  const target = url + (name ? '?event=' + encodeURIComponent(name) : '');
  // the text as it is, under a form type as `curl -d` sends it: the demo publishes the body unchanged
  await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                        body: form.data.value });
  form.data.value = '';
});

// The dashboard: /stats/stream plotted with uPlot, the last two minutes.
const chart = document.getElementById('chart');
const points = [[], [], []];
const plot = new uPlot({
  width: Math.min(chart.clientWidth || 800, 900), height: 220,
  series: [{}, { label: 'open streams', stroke: '#176b2c', width: 2, scale: 'streams' },
               { label: 'events/s', stroke: '#1f5fbf', width: 2, scale: 'rate' }],
  axes: [{}, { scale: 'streams', label: 'open streams' },
             { scale: 'rate', side: 1, label: 'events/s', grid: { show: false } }],
}, points, chart);
const stats = new EventSource('/stats/stream');
stats.addEventListener('stats', (e) => {
  const s = JSON.parse(e.data);
  points[0].push(s.time / 1000); points[1].push(s.activeStreams); points[2].push(s.eventsPerSecond);
  if (points[0].length > 120) points.forEach(series => series.shift());
  plot.setData(points);
  chart.dataset.points = Number(chart.dataset.points) + 1;
  document.getElementById('figures').textContent = 'open streams ' + s.activeStreams + ' · events/s '
      + s.eventsPerSecond + ' · written ' + s.eventsWritten + ' · registry subscribers ' + s.subscribers
      + ' · dropped ' + s.dropped;
});

// The job: start it, then follow its progress until done.
document.getElementById('job').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const jobStatus = document.getElementById('job-status');
  const bar = document.getElementById('job-progress');
  const answer = await fetch('/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                        body: JSON.stringify({ steps: 20, stepMs: 250 }) });
  const job = await answer.json();
  bar.value = 0;
  jobStatus.textContent = 'running'; jobStatus.className = 'state';
  const progress = new EventSource('/jobs/' + job.id + '/progress');
  progress.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    bar.max = p.total; bar.value = p.done;
    jobStatus.textContent = p.done + ' of ' + p.total;
  });
  progress.addEventListener('done', () => {
    jobStatus.textContent = 'done'; jobStatus.className = 'state open';
    progress.close();
  });
  progress.addEventListener('error', (e) => {
    if (e.data) { jobStatus.textContent = 'failed: ' + JSON.parse(e.data).message; jobStatus.className = 'state closed'; }
  });
});
