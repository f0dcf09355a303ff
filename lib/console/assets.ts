// The console's stylesheet and its one small script, served by the bridge itself (no CDN, nothing fetched).

export const STYLESHEET = `
:root { --fg: #1d2430; --muted: #5b6575; --line: #d8dde5; --bg: #f6f7f9; --card: #fff; --accent: #1f5fbf;
  --ok: #1b7a3d; --warn: #9a5b00; --bad: #b3261e; --info: #3d5a80; font-family: system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font-size: 14px; line-height: 1.45; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px; z-index: 9; }
header.top { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #17212f; color: #fff; }
header.top strong { font-size: 15px; }
header.top nav a { color: #d9e4f5; margin-right: 14px; text-decoration: none; padding: 4px 2px; }
header.top nav a[aria-current=page] { color: #fff; border-bottom: 2px solid #f0a500; }
header.top search { margin-left: auto; }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 20px; margin: 4px 0 12px; } h2 { font-size: 16px; margin: 20px 0 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin-bottom: 14px; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.badge::before { margin-right: 4px; }
.b-delivered, .b-200, .b-matched, .b-completed { color: var(--ok); } .b-delivered::before { content: "✓"; }
.b-queued, .b-retrying, .b-retry, .b-running { color: var(--warn); } .b-retrying::before { content: "↻"; }
.b-dead-lettered, .b-dead_lettered, .b-rejected, .b-failed, .b-refused { color: var(--bad); } .b-dead-lettered::before, .b-rejected::before { content: "✕"; }
.b-skipped, .b-duplicate, .b-no_match, .b-dry-run { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 12px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: 5px 7px; border: 1px solid #aab3c0; border-radius: 4px; background: #fff; }
textarea { width: 100%; min-height: 260px; font-family: ui-monospace, monospace; font-size: 12.5px; }
button { padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { background: #c9ced6; border-color: #c9ced6; color: #555; cursor: not-allowed; }
.note { color: var(--muted); font-size: 13px; }
.flash { background: #e8f4ec; border: 1px solid #a8d5b5; padding: 8px 12px; border-radius: 4px; margin-bottom: 12px; }
.error { background: #fbeaea; border: 1px solid #e6b3b0; padding: 8px 12px; border-radius: 4px; margin-bottom: 12px; }
.pager { display: flex; gap: 12px; margin-top: 10px; align-items: center; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; font-family: ui-monospace, monospace; font-size: 12.5px; word-break: break-all; }
details.json { margin-left: 14px; } details.json > summary { cursor: pointer; font-family: ui-monospace, monospace; font-size: 12.5px; }
.json-leaf { margin-left: 14px; font-family: ui-monospace, monospace; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; }
.json-key { color: #7a3e9d; } .json-str { color: #1b7a3d; } .json-num { color: #1f5fbf; } .json-lit { color: #9a5b00; }
pre { background: #f1f3f6; padding: 8px; border-radius: 4px; overflow: auto; font-size: 12.5px; margin: 4px 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; } @media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.chart { display: block; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
.chart .bar { fill: #4a7fd0; } .chart .bar429 { fill: var(--bad); } .chart .line { fill: none; stroke: #1f5fbf; stroke-width: 2; }
.chart text { font-size: 10px; fill: var(--muted); }
.live { font-size: 12px; color: var(--ok); } .live::before { content: "● "; }
`;

/**
 * Live regions: an element with `data-live="<url>"` opens a server-sent event stream (no polling loop in the
 * browser). `row` events carry a server-rendered, already escaped `<tr>` to prepend (or to
 * replace the row of the same id, when its outcome changed); `replace` events carry the
 * whole new content of the region.
 */
export const SCRIPT = `
for (const region of document.querySelectorAll('[data-live]')) {
  const stream = new EventSource(region.dataset.live);
  const status = document.getElementById(region.dataset.liveStatus || '');
  stream.addEventListener('open', () => { if (status) status.textContent = 'live'; });
  stream.addEventListener('error', () => { if (status) status.textContent = 'reconnecting…'; });
  stream.addEventListener('row', (event) => {
    const template = document.createElement('template');
    template.innerHTML = event.data;
    const row = template.content.firstElementChild;
    const shown = row && row.id ? document.getElementById(row.id) : null;
    if (shown) {
      shown.replaceWith(row);
      return;
    }
    const empty = region.querySelector('[data-empty]');
    if (empty) empty.remove();
    region.prepend(...template.content.childNodes);
  });
  stream.addEventListener('replace', (event) => { region.innerHTML = event.data; });
}
for (const toggle of document.querySelectorAll('[data-check-all]')) {
  toggle.addEventListener('change', () => {
    const scope = toggle.form || document;
    for (const box of scope.querySelectorAll('input[name="' + toggle.dataset.checkAll + '"]')) box.checked = toggle.checked;
  });
}
`;
