// An appendix form laid out like the official table: STT, label, one column per period.
// Every input is named INDICATOR@PERIOD; a change is saved at once (all or nothing for a
// pasted block) and the rule's message appears beside the cell.
import { get, post } from './api.js';
import { h, clear, notice, problemList, describeField, markSaved } from './dom.js';
import { app } from './app.js';

export async function formPage(main, appendix) {
  const form = await get('forms/' + encodeURIComponent(appendix));
  const status = app.state.status;
  const banner = h('div', { id: 'form-banner' });
  const grid = [];  // rows of editable inputs, for the keys and for paste
  const table = h('table', { class: 'form', id: 'form-' + form.appendix },
    h('thead', {}, h('tr', {},
      h('th', { class: 'stt' }, 'STT'), h('th', { class: 'label' }, 'Nội dung'),
      form.columns.map((c) => h('th', { class: 'period' }, c.label.replace(/\s*\(.*\)$/, ''),
        c.note ? h('div', { class: 'col-note' }, c.note) : '')))),
    h('tbody', {}, form.rows.map((row) => formRow(row, form, grid))));
  const context = { form, grid, banner, table };
  table.addEventListener('change', (event) => onChange(context, event));
  table.addEventListener('keydown', (event) => onKey(context, event));
  table.addEventListener('paste', (event) => onPaste(context, event));
  // The official layout shows every row; a clerk may hide those other levels fill.
  const onlyOurs = h('input', { type: 'checkbox', id: 'only-ours', checked: localStorage.getItem('onlyOurs') === '1' });
  const applyFilter = () => {
    table.classList.toggle('only-ours', onlyOurs.checked);
    localStorage.setItem('onlyOurs', onlyOurs.checked ? '1' : '0');
  };
  onlyOurs.addEventListener('change', applyFilter);
  applyFilter();
  clear(main,
    h('h1', {}, form.title),
    form.locked ? notice('info', h('b', {}, 'Chỉ xem: '), form.lock_reason || status.report_state_label,
      status.reviewer_comment ? [h('br'), 'Ý kiến của cấp trên: ', status.reviewer_comment] : '') : '',
    h('p', { class: 'hint' }, 'Gõ số rồi nhấn Enter hoặc Tab; mỗi ô được lưu ngay. Có thể dán một khối ô chép từ Excel. Các dòng màu xám do cấp khác điền.'),
    h('label', { class: 'filter' }, onlyOurs, ' Chỉ hiện các dòng đơn vị mình điền'),
    banner,
    h('div', { class: 'table-wrap' }, table));
  showProblems(context, form.problems);
}

function formRow(row, form, grid) {
  const classes = ['depth-' + Math.min(row.depth, 4), 'type-' + row.type];
  if (!row.fills) classes.push('not-ours');
  const label = h('td', { class: 'label' }, row.label,
    row.hint ? h('div', { class: 'row-hint' }, row.hint) : '',
    !row.fills && row.filled_by ? h('div', { class: 'row-hint' }, 'Do ' + row.filled_by + ' điền') : '');
  if (row.type === 'heading')
    return h('tr', { class: classes.join(' ') }, h('td', { class: 'stt' }, row.stt),
      h('td', { class: 'label', colspan: form.columns.length + 1 }, row.label));
  const inputs = [];
  const cells = row.cells.map((cell, col) => {
    if (!cell.present) return h('td', { class: 'blank' });
    if (row.type === 'ratio')
      return h('td', { class: 'ratio', 'data-ratio': cell.name }, cell.text ? cell.text + ' %' : '');
    if (!cell.editable) return h('td', { class: 'readonly' }, h('span', { 'data-name': cell.name }, cell.text));
    const input = h('input', { name: cell.name, value: cell.text, autocomplete: 'off',
      inputmode: row.type === 'percentage' ? 'decimal' : 'numeric', 'aria-label': `${row.label}, ${form.columns[col].label}` });
    input.dataset.saved = cell.text;
    inputs[col] = input;
    return h('td', { class: 'cell' }, input, h('div', { class: 'cell-msg' }));
  });
  if (inputs.length) grid.push(inputs);
  return h('tr', { class: classes.join(' '), 'data-code': row.code,
    'data-numerator': row.numerator || undefined, 'data-denominator': row.denominator || undefined },
  h('td', { class: 'stt' }, row.stt), label, cells);
}

function split(name) {
  const at = name.lastIndexOf('@');
  return { indicator: name.slice(0, at), period: name.slice(at + 1) };
}

async function onChange(context, event) {
  const input = event.target;
  if (input.tagName !== 'INPUT' || input.value === input.dataset.saved) return;
  await save(context, [input], [input.value.trim()]);
}

// Saves cells in one request: all stored, or none and each bad cell marked.
async function save(context, inputs, texts) {
  const cells = inputs.map((input, i) => ({ ...split(input.name), text: texts[i] }));
  inputs.forEach((input) => setMessage(input, '', 'pending'));
  try {
    const result = await post('values', { cells });
    inputs.forEach((input, i) => {
      input.value = texts[i];
      input.dataset.saved = texts[i];
      setMessage(input, '', 'saved');
    });
    clear(context.banner);
    markSaved(inputs.length > 1 ? `Đã lưu ${inputs.length} ô` : 'Đã lưu');
    app.refreshSoon();
    recomputeRatios(context);
    showProblems(context, result.problems);
  } catch (error) {
    const problems = error.problems || [];
    const named = new Set();
    for (const p of problems) {
      const input = context.table.querySelector(`input[name="${CSS.escape(p.field)}"]`);
      if (input) { setMessage(input, p.message, 'error'); named.add(input); }
    }
    inputs.forEach((input) => { if (!named.has(input)) setMessage(input, problems.length ? '' : error.message, problems.length ? 'unsaved' : 'error'); });
    clear(context.banner, notice('error', inputs.length > 1 ? 'Không lưu ô nào của khối vừa dán: ' : 'Chưa lưu: ',
      problems.length ? problemList(problems) : error.message));
  }
}

function setMessage(input, text, state) {
  const td = input.parentElement;
  td.classList.remove('error', 'warn', 'saved', 'pending', 'unsaved');
  if (state) td.classList.add(state);
  const box = td.querySelector('.cell-msg');
  box.textContent = text;
  input.title = text;
  if (state === 'saved') box.textContent = '✓';
}

// Validation findings between values (part ≤ whole, children add up) beside their cells.
function showProblems(context, problems) {
  context.table.querySelectorAll('td.rule').forEach((td) => {
    td.classList.remove('rule', 'error', 'warn');
    const box = td.querySelector('.cell-msg');
    if (box && box.dataset.rule) { box.textContent = ''; delete box.dataset.rule; }
  });
  for (const p of problems || []) {
    const input = context.table.querySelector(`input[name="${CSS.escape(p.field)}"]`);
    if (!input) continue;
    const td = input.parentElement;
    td.classList.add('rule', p.error ? 'error' : 'warn');
    const box = td.querySelector('.cell-msg');
    box.textContent = p.message;
    box.dataset.rule = p.rule;
  }
}

function recomputeRatios(context) {
  for (const row of context.table.querySelectorAll('tr[data-numerator]')) {
    for (const td of row.querySelectorAll('td[data-ratio]')) {
      const { period } = split(td.dataset.ratio);
      const num = numberOf(context, row.dataset.numerator + '@' + period);
      const den = numberOf(context, row.dataset.denominator + '@' + period);
      td.textContent = num !== null && den ? (Math.round((1000 * num) / den) / 10).toString().replace('.', ',') + ' %' : '';
    }
  }
}

function numberOf(context, name) {
  const el = context.table.querySelector(`input[name="${CSS.escape(name)}"]`) || context.table.querySelector(`[data-name="${CSS.escape(name)}"]`);
  const text = el ? (el.value ?? el.textContent) : '';
  if (!text) return null;
  const n = Number(text.replace(/\./g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

function position(context, input) {
  for (let r = 0; r < context.grid.length; r++) {
    const c = context.grid[r].indexOf(input);
    if (c >= 0) return { r, c };
  }
  return null;
}

// Spreadsheet keys: Enter and arrows move like Excel (Tab is the browser's own).
function onKey(context, event) {
  const input = event.target;
  if (input.tagName !== 'INPUT') return;
  const at = position(context, input);
  if (!at) return;
  const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [event.shiftKey ? -1 : 1, 0] }[event.key]
    || (event.key === 'ArrowLeft' && input.selectionStart === 0 ? [0, -1] : null)
    || (event.key === 'ArrowRight' && input.selectionEnd === input.value.length ? [0, 1] : null);
  if (!move) return;
  event.preventDefault();
  const target = neighbour(context.grid, at.r, at.c, move[0], move[1]);
  if (target) { target.focus(); target.select(); } else if (event.key === 'Enter') input.blur();  // saves
}

function neighbour(grid, r, c, dr, dc) {
  for (r += dr, c += dc; r >= 0 && r < grid.length && c >= 0; r += dr, c += dc) {
    if (dc !== 0 && c >= grid[r].length) return null;
    if (grid[r][c]) return grid[r][c];
  }
  return null;
}

// A block copied from Excel: rows by line, cells by tab, laid from the focused cell.
async function onPaste(context, event) {
  const input = event.target;
  if (input.tagName !== 'INPUT') return;
  const text = (event.clipboardData || window.clipboardData).getData('text/plain');
  if (!/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return;  // one value: the browser pastes it
  event.preventDefault();
  const at = position(context, input);
  const lines = text.replace(/\r/g, '').replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
  const inputs = [], texts = [], outside = [];
  lines.forEach((cells, i) => cells.forEach((value, j) => {
    const target = context.grid[at.r + i]?.[at.c + j];
    if (target) { inputs.push(target); texts.push(value.trim()); }
    else outside.push(`dòng ${i + 1}, cột ${j + 1} của khối`);
  }));
  if (outside.length)
    return clear(context.banner, notice('error', 'Không dán được: khối vừa chép lớn hơn phần ô nhập được của bảng (' + outside.join('; ') + ' không có ô tương ứng). Không ô nào bị thay đổi.'));
  await save(context, inputs, texts);
}

export { describeField };
