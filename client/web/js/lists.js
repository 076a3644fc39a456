// Lists (award nominations KT, models and initiatives MH) and appendix 8 goals.
import { get, post, put, del } from './api.js';
import { h, clear, notice, markSaved, askConfirm } from './dom.js';
import { app, shortTitle } from './app.js';

export async function listPage(main, table) {
  const list = await get('lists/' + encodeURIComponent(table));
  const part = app.parts.find((p) => p.id === table) || { id: table, title: table, kind: 'table' };
  const locked = app.state.status.report_state === 'submitted' || app.state.status.report_state === 'accepted';
  const message = h('div', { id: 'list-message' });
  const inputs = list.columns.map((c) => h('input', { name: `${table}.${c.id}`, 'aria-label': c.label,
    inputmode: c.type === 'text' ? undefined : 'numeric' }));
  const add = async (event) => {
    event.preventDefault();
    const cells = {};
    list.columns.forEach((c, i) => { if (inputs[i].value.trim()) cells[c.id] = inputs[i].value.trim(); });
    try {
      await post('lists/' + encodeURIComponent(table), { cells });
      markSaved('Đã thêm dòng');
      await app.refresh();  // the menu's counts
      await listPage(main, table);
    } catch (error) {
      clear(message, notice('error', 'Chưa thêm: ' + error.message));
    }
  };
  clear(main,
    h('h1', {}, `${shortTitle(part)}: ${part.title}`),
    locked ? notice('info', 'Chỉ xem: ' + app.state.status.report_state_label) : '',
    h('form', { id: 'list-form', onsubmit: add },
      h('table', { class: 'list', id: 'list-' + table },
        h('thead', {}, h('tr', {}, h('th', {}, 'STT'), list.columns.map((c) => h('th', {}, c.label)), h('th', {}, ''))),
        h('tbody', {},
          list.rows.map((row, i) => h('tr', { 'data-row': row.id },
            h('td', { class: 'num' }, String(i + 1)),
            list.columns.map((c) => h('td', {}, row.cells[c.id] || '')),
            h('td', {}, locked ? '' : h('button', { type: 'button', class: 'small', onclick: async () => {
              if (!await askConfirm(`Xóa dòng ${i + 1} của ${shortTitle(part)}? Không thể hoàn tác.`, 'Xóa dòng', 'Không xóa')) return;
              try { await del(`lists/${encodeURIComponent(table)}/${encodeURIComponent(row.id)}`); markSaved('Đã xóa dòng'); await listPage(main, table); }
              catch (error) { clear(message, notice('error', error.message)); }
            } }, 'Xóa')))),
          locked ? '' : h('tr', { class: 'new-row' }, h('td', {}, 'Mới'), inputs.map((input) => h('td', {}, input)),
            h('td', {}, h('button', { type: 'submit', id: 'add-row' }, 'Thêm dòng')))))),
    message);
}

export async function goalsPage(main) {
  const goals = await get('goals');
  clear(main,
    h('h1', {}, 'Phụ lục 8: Đánh giá mục tiêu'),
    h('p', { class: 'hint' }, 'Chọn Đạt hoặc Không đạt cho từng mục tiêu; ghi chú nếu cần. Tự lưu khi thay đổi.'),
    h('table', { class: 'list goals', id: 'goals' },
      h('thead', {}, h('tr', {}, h('th', {}, 'STT'), h('th', {}, 'Mục tiêu'), h('th', {}, 'Kết quả'), h('th', {}, 'Ghi chú'), h('th', {}, ''))),
      h('tbody', {}, goals.map(goalRow))));
}

function goalRow(goal) {
  const mark = h('span', { class: 'cell-msg' });
  const result = h('select', { name: 'goal@' + goal.id, disabled: !goal.editable },
    h('option', { value: '' }, '— chưa đánh giá —'),
    h('option', { value: 'dat' }, 'Đạt'), h('option', { value: 'khong_dat' }, 'Không đạt'));
  result.value = goal.result;
  const note = h('input', { name: 'note@' + goal.id, value: goal.note, disabled: !goal.editable });
  const save = async () => {
    if (!result.value) return;
    try {
      await put('goals/' + encodeURIComponent(goal.id), { result: result.value, note: note.value.trim() });
      mark.textContent = '✓';
      mark.className = 'cell-msg ok';
      markSaved();
    } catch (error) {
      mark.textContent = error.message;
      mark.className = 'cell-msg bad';
    }
  };
  result.addEventListener('change', save);
  note.addEventListener('change', save);
  return h('tr', {}, h('td', { class: 'stt' }, goal.stt), h('td', {}, goal.label), h('td', {}, result), h('td', {}, note), h('td', {}, mark));
}
