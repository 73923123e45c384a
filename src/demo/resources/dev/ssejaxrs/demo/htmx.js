// The script of /htmx (a file of its own: the Content-Security-Policy allows no inline script)
const status = document.getElementById('status');
document.body.addEventListener('htmx:sseOpen', () => { status.textContent = 'open'; status.className = 'open'; });
document.body.addEventListener('htmx:sseError', () => { status.textContent = 'reconnecting'; status.className = 'closed'; });
// reset the form once the server took the message (an hx-on attribute would need eval)
document.querySelector('form').addEventListener('htmx:afterRequest', (e) => {
  if (e.detail.successful) e.target.reset();
});
