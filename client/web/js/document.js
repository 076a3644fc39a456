// #/van-ban: the document frame of this unit's report (Nghị định 30/2020/NĐ-CP): issuing
// body and its parent, number, place and date, recipients, the signer's authority, title and
// name. Labels come from the core's catalogue (GET /api/document); each field saves when
// the user leaves it, like a narrative section (PUT /api/document/{name}).
import { get, put } from './api.js';
import { h, clear, notice, markSaved } from './dom.js';
import { app } from './app.js';

const lockedStates = ['submitted', 'accepted', 'finalised'];

export async function documentPage(main) {
  const doc = await get('document');
  const status = app.state.status;
  const locked = lockedStates.includes(status.report_state);
  clear(main,
    h('h1', {}, 'Thể thức văn bản'),
    h('p', { class: 'hint' }, 'Các thông tin in trên báo cáo Word theo Nghị định 30/2020/NĐ-CP về công tác văn thư: ',
      'cơ quan ban hành, số và ký hiệu, địa danh và ngày ban hành, nơi nhận, thẩm quyền và người ký. ',
      'Mỗi ô tự lưu khi rời ô và được gửi lên cấp trên cùng báo cáo.'),
    locked ? notice('info', 'Chỉ xem: ' + status.report_state_label) : '',
    h('form', { id: 'document-form', class: 'document', onsubmit: (e) => e.preventDefault() },
      doc.fields.map((f) => fieldRow(f, locked))));
}

function fieldRow(field, locked) {
  const message = h('span', { class: 'field-msg' });
  const multiline = field.name === 'noi_nhan';
  const input = multiline
    ? h('textarea', { name: 'VB.' + field.name, rows: 4, disabled: locked })
    : h('input', { type: 'text', name: 'VB.' + field.name, disabled: locked, autocomplete: 'off' });
  input.value = field.value;
  input.addEventListener('change', async () => {
    try {
      const doc = await put('document/' + encodeURIComponent(field.name), { text: input.value });
      const saved = doc.fields.find((f) => f.name === field.name);
      input.value = saved ? saved.value : input.value;
      clear(message, h('span', { class: 'ok' }, '✓ Đã lưu'));
      markSaved();
    } catch (error) {
      clear(message, notice('error', 'Chưa lưu: ' + error.message));
    }
  });
  return h('label', { class: 'field', 'data-field': field.name }, field.label, input, message);
}
