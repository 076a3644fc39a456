// Narrative sections under their official headings: typed, or imported from Word (.docx)
// or a text file (.txt in UTF-8, UTF-16 or Windows-1258).
import { get, put, post } from './api.js';
import { h, clear, notice, markSaved } from './dom.js';
import { app } from './app.js';

export async function textsPage(main) {
  const sections = await get('sections');
  const status = app.state.status;
  const locked = sections.every((s) => !s.editable);
  clear(main,
    h('h1', {}, 'Báo cáo thuyết minh'),
    locked ? notice('info', 'Chỉ xem: ' + status.report_state_label) : '',
    h('p', { class: 'hint' }, 'Gõ hoặc dán nội dung dưới từng đề mục (tự lưu khi rời ô), hoặc nhập từ tệp Word (.docx) hay tệp văn bản (.txt).'),
    sections.map(sectionBlock));
}

function sectionBlock(section) {
  const message = h('div', { class: 'section-msg' });
  const area = h('textarea', { name: 'text@' + section.id, rows: section.text ? 8 : 3, disabled: !section.editable });
  area.value = section.text;
  area.addEventListener('change', async () => {
    try {
      const saved = await put('sections/' + encodeURIComponent(section.id), { text: area.value });
      area.value = saved.text;
      clear(message, h('span', { class: 'ok' }, '✓ Đã lưu'));
      markSaved();
    } catch (error) {
      clear(message, notice('error', 'Chưa lưu: ' + error.message));
    }
  });
  const file = h('input', { type: 'file', accept: '.docx,.txt', name: 'file@' + section.id, class: 'hidden-file', disabled: !section.editable });
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    const data = new FormData();
    data.append('file', file.files[0]);
    clear(message, notice('info', 'Đang nhập tệp ' + file.files[0].name + '…'));
    try {
      const saved = await post('sections/' + encodeURIComponent(section.id) + '/import', data);
      area.value = saved.text;
      area.rows = 8;
      clear(message, h('span', { class: 'ok' }, `✓ Đã nhập nội dung từ ${file.files[0].name}`));
      markSaved();
    } catch (error) {
      clear(message, notice('error', error.message));
    }
    file.value = '';
  });
  if (!section.editable && !section.text && section.guidance.length === 0)
    return h('h3', { class: 'section-heading' }, `${section.number} ${section.heading}`);
  return h('section', { class: 'narrative', id: 'section-' + section.id },
    h('h3', { class: 'section-heading' }, `${section.number} ${section.heading}`),
    section.guidance.length ? h('ul', { class: 'guidance' }, section.guidance.map((g) => h('li', {}, g))) : '',
    section.editable || section.text ? [area,
      // The browser's own file button speaks the browser's language: a Vietnamese one instead.
      section.editable ? h('label', { class: 'import button secondary' }, file, 'Nhập từ tệp Word (.docx) hoặc văn bản (.txt)…') : '',
      message] : '');
}
