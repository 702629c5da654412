// Starts the core in a module worker and shows each round-trip check as it completes.
const results = document.getElementById('results');
const progress = document.getElementById('progress');
const summary = document.getElementById('summary');

const worker = new Worker(new URL('./core-check-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.type === 'check') {
    const li = document.createElement('li');
    li.className = data.ok ? 'ok' : 'fail';
    li.innerHTML = `${data.name} <span class="detail"></span>`;
    li.querySelector('.detail').textContent = data.detail;
    results.append(li);
    progress.value = data.done / data.total;
  } else if (data.type === 'done') {
    summary.textContent = data.failed ? `${data.failed} of ${data.total} checks failed` : `All ${data.total} checks passed`;
    summary.className = `summary ${data.failed ? 'fail' : 'ok'}`;
    document.body.dataset.status = data.failed ? 'fail' : 'ok';
  }
};
worker.onerror = (e) => {
  summary.textContent = `Worker failed: ${e.message}`;
  summary.className = 'summary fail';
  document.body.dataset.status = 'fail';
};
