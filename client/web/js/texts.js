// Narrative sections under their official headings: typed, or imported from Word (.docx)
// or a text file (.txt in UTF-8, UTF-16 or Windows-1258).
import { get, put, post } from './api.js';
import { h, clear, notice, markSaved } from './dom.js';
import { app } from './app.js';

export async function textsPage(main) {
  const sections = await get('sections');
  const status = app.state.status;
  // A province sees its departments' text beside its own sections (Workspace::contributions).
  const contributions = status.unit.level === 'province' ? await get('contributions') : [];
  const bySection = {};
  for (const c of contributions) (bySection[c.section] = bySection[c.section] || []).push(c);
  const locked = sections.every((s) => !s.editable);
  clear(main,
    h('h1', {}, 'Báo cáo thuyết minh'),
    locked ? notice('info', 'Chỉ xem: ' + status.report_state_label) : '',
    h('p', { class: 'hint' }, 'Gõ hoặc dán nội dung dưới từng đề mục (tự lưu khi rời ô), hoặc nhập từ tệp Word (.docx) hay tệp văn bản (.txt).'),
    contributions.length ? notice('info', `Các sở, ngành đã viết vào ${Object.keys(bySection).length} mục của tỉnh: `,
      'nội dung của họ hiện ngay dưới mục đó; bấm "Đưa vào báo cáo của tỉnh" để chép vào phần viết của tỉnh.') : '',
    sections.map((s) => sectionBlock(s, bySection[s.id] || [])));
}

function sectionBlock(section, contributions) {
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
      message] : '',
    contributions.length ? contributionsBox(section, contributions, area, message) : '');
}

// The departments' text for one section, each with its state and a "take in" button
// (POST /api/contributions/{section}/take-in, as `tongket take-in`).
function contributionsBox(section, contributions, area, message) {
  const box = h('div', { class: 'contributions', 'data-section': section.id });
  const render = (list) => clear(box,
    h('h4', {}, 'Phần viết của các sở, ngành cho mục này'),
    list.map((c) => h('div', { class: 'contribution', 'data-department': c.department },
      h('div', { class: 'contribution-head' }, h('b', {}, c.department_name), ' ',
        h('span', { class: 'state ' + (c.accepted ? 'state-accepted' : 'state-submitted'), 'data-accepted': String(c.accepted) },
          c.accepted ? 'báo cáo đã được tiếp nhận' : 'báo cáo chưa được tiếp nhận'), ' ',
        h('span', { class: 'state ' + (c.taken_in ? 'state-accepted' : 'state-draft'), 'data-taken-in': String(c.taken_in) },
          c.taken_in ? 'đã đưa vào báo cáo của tỉnh' : 'chưa đưa vào')),
      h('blockquote', { class: 'contribution-text' }, c.text),
      c.taken_in ? '' : h('button', { type: 'button', class: 'small take-in', disabled: !section.editable,
        onclick: () => takeIn(c) }, 'Đưa vào báo cáo của tỉnh'))));
  const takeIn = async (c) => {
    try {
      const result = await post(`contributions/${encodeURIComponent(section.id)}/take-in`, { from: c.department });
      area.value = result.section.text;
      area.rows = 8;
      render(result.contributions);
      clear(message, h('span', { class: 'ok' }, `✓ Đã đưa nội dung của ${c.department_name} vào mục này`));
      markSaved();
    } catch (error) {
      clear(message, notice('error', error.message));
    }
  };
  render(contributions);
  return box;
}
