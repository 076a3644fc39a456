// Building the page from data without innerHTML (nothing a user typed is ever parsed as HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A message box: kind is 'error', 'warn', 'ok' or 'info'.
export function notice(kind, ...children) {
  return h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

export function problemList(problems) {
  return h('ul', { class: 'problems' },
    problems.map((p) => h('li', { class: p.error ? 'error' : 'warn' },
      p.field ? h('b', {}, describeField(p) + ': ') : '', p.message)));
}

export function describeField(p) {
  const where = p.label || p.field;
  return p.period ? `${where} (${periodLabel(p.period)})` : where;
}

export function periodLabel(period) {
  return /^\d{4}$/.test(period) ? 'năm ' + period : 'giai đoạn ' + period;
}

// "2026-11-30T11:24:02Z" -> "30/11/2026 18:24" in the computer's time zone.
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function dateVi(isoDate) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate || '';
}

// The visible "saved" mark in the top bar.
export function markSaved(text) {
  const mark = document.getElementById('save-mark');
  const now = new Date();
  const two = (n) => String(n).padStart(2, '0');
  mark.textContent = (text || 'Đã lưu') + ` lúc ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
  mark.className = 'saved';
}

// An in-page confirmation (the browser's confirm() labels its buttons in the browser's
// language): a modal <dialog> with Vietnamese buttons. Resolves true only on `yes`.
export function askConfirm(question, yes = 'Đồng ý', no = 'Hủy') {
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    const dialog = h('dialog', { class: 'confirm', id: 'confirm-dialog', role: 'alertdialog',
      'aria-labelledby': 'confirm-question' },
    h('p', { id: 'confirm-question' }, question),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'confirm-yes', onclick: () => done(true) }, yes),
      h('button', { type: 'button', class: 'secondary', id: 'confirm-no', onclick: () => done(false) }, no)));
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); done(false); });  // Esc
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('#confirm-no').focus();  // Enter alone never deletes
  });
}
