// The reviewer's pages (a district's or province's store): the units below with their state
// and deadline, one unit's report read-only with what changed and the decision, the
// completeness tallies, and the roll-up tables with drill-down (docs/ui-api.md, /api/below,
// /api/rollup, /api/drilldown).
import { get, post } from './api.js';
import { h, clear, notice, dateVi, when, markSaved, periodLabel } from './dom.js';
import { app } from './app.js';

const actions = { submit: 'Nộp', accept: 'Tiếp nhận', return: 'Trả lại', finalise: 'Hoàn tất' };

export function isReviewer(status) {
  return !!status && (status.unit.level === 'district' || status.unit.level === 'province');
}

function stateBadge(u) {
  return [h('span', { class: 'state state-' + u.state, 'data-state': u.state }, u.state_label),
    u.late ? h('span', { class: 'state state-late' }, 'trễ hạn') : ''];
}

// ---- #/cap-duoi: the units below and the completeness tallies ----

export async function unitsPage(main) {
  const below = await get('below');
  const waiting = below.units.filter((u) => u.state === 'submitted' && u.reviewed_here).length;
  clear(main,
    h('h1', {}, 'Đơn vị cấp dưới'),
    waiting ? notice('info', h('b', {}, `${waiting} báo cáo đang chờ xem xét. `), 'Bấm vào tên đơn vị để xem và tiếp nhận hoặc trả lại.')
      : notice('ok', 'Không có báo cáo nào đang chờ xem xét.'),
    h('p', { class: 'hint' }, 'Số liệu ở đây là số đã đồng bộ về máy này; hãy đồng bộ trước để xem tình hình mới nhất.'),
    h('table', { class: 'list', id: 'units-below' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Mã'), h('th', {}, 'Đơn vị'), h('th', {}, 'Trạng thái'),
        h('th', {}, 'Hạn nộp'), h('th', {}, 'Lần gần nhất'), h('th', {}, 'Ý kiến'))),
      h('tbody', {}, below.units.map((u) => h('tr', { 'data-unit': u.unit.code },
        h('td', {}, u.unit.code),
        h('td', {}, u.state === 'missing' ? u.unit.name : h('a', { href: '#/xem-xet/' + u.unit.code }, u.unit.name)),
        h('td', {}, stateBadge(u)),
        h('td', {}, dateVi(u.deadline)),
        h('td', {}, u.last_action ? `${actions[u.last_action] || u.last_action}: ${when(u.last_time)} (${u.last_author})` : ''),
        h('td', {}, u.comment))))),
    h('h2', {}, 'Mức độ đầy đủ'),
    coverageBox(below.coverage),
    tallyTable(below.tallies));
}

function tallyTable(tallies) {
  return h('table', { class: 'list', id: 'completeness' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Địa bàn'), h('th', {}, 'Phải nộp'), h('th', {}, 'Chờ xem xét'),
      h('th', {}, 'Đã tiếp nhận'), h('th', {}, 'Bị trả lại'), h('th', {}, 'Nộp muộn'), h('th', {}, 'Chưa nộp'))),
    h('tbody', {}, tallies.map((t) => h('tr', {},
      h('td', { class: t.title.startsWith(' ') ? 'indent' : '' }, t.title.trim()),
      h('td', { class: 'num' }, String(t.expected)), h('td', { class: 'num' }, String(t.submitted)),
      h('td', { class: 'num' }, String(t.accepted)), h('td', { class: 'num' }, String(t.returned)),
      h('td', { class: 'num' }, String(t.late)),
      h('td', {}, h('b', {}, String(t.missing.length)), t.missing.length ? h('div', { class: 'row-hint' }, t.missing.join('; ')) : '')))));
}

// ---- #/xem-xet/CODE: one unit's report, read-only, and the decision ----

export async function unitReviewPage(main, code) {
  const [unit, appendix] = code.split('/');
  const data = await get('below/' + encodeURIComponent(unit));
  const r = data.review;
  const shown = appendix || (data.parts[0] && data.parts[0].id);
  const form = shown ? await get(`below/${encodeURIComponent(unit)}/forms/${encodeURIComponent(shown)}`) : null;
  const message = h('div', { id: 'decide-message' });
  clear(main,
    h('h1', {}, 'Báo cáo của ', data.unit.name),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Đơn vị'), h('dd', {}, `${data.unit.name} (mã ${data.unit.code}), ${data.unit.level_label}`),
      h('dt', {}, 'Trạng thái'), h('dd', { id: 'unit-state' }, stateBadge(r)),
      h('dt', {}, 'Hạn nộp'), h('dd', {}, dateVi(r.deadline) || 'chưa có'),
      r.comment ? [h('dt', {}, 'Ý kiến gần nhất'), h('dd', {}, r.comment)] : ''),
    changesBox(data),
    decideBox(data, message, unit),
    message,
    h('h2', {}, 'Lịch sử xem xét'),
    historyTable(data.history),
    h('h2', {}, 'Số liệu (chỉ xem)'),
    h('p', { class: 'tabs' }, data.parts.map((p) => h('a', {
      href: `#/xem-xet/${unit}/${p.id}`, class: p.id === shown ? 'button' : 'button secondary',
    }, 'Phụ lục ' + p.id.replace(/^PL/, '')))),
    form ? [h('h3', {}, form.title), h('div', { class: 'table-wrap' }, readonlyTable(form, 'review-form'))] : '');
}

function changesBox(data) {
  const c = data.resubmission;
  if (!c.known)
    return h('section', { id: 'changes' }, h('h2', {}, 'Thay đổi so với lần nộp trước'),
      h('p', { class: 'hint' }, 'Đây là lần nộp đầu tiên (hoặc chưa nộp): chưa có lần nộp trước để so sánh.'));
  return h('section', { id: 'changes' },
    h('h2', {}, 'Thay đổi so với lần nộp trước'),
    h('p', { class: 'hint' }, `Lần nộp lại lúc ${when(c.time)}: ${c.rows.length} mục khác với lần nộp trước.`),
    c.rows.length ? h('table', { class: 'list changes' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Mục'), h('th', {}, 'Lần nộp trước'), h('th', {}, 'Lần nộp này'))),
      h('tbody', {}, c.rows.map((row) => h('tr', { 'data-field': row.field },
        h('td', {}, row.label || row.field), h('td', { class: 'num before' }, row.before), h('td', { class: 'num after' }, row.value)))))
      : notice('info', 'Số liệu giống hệt lần nộp trước.'));
}

function decideBox(data, message, unit) {
  const r = data.review;
  if (!r.reviewed_here) return notice('info', 'Báo cáo này do cấp khác xem xét; ở đây chỉ xem.');
  if (r.state !== 'submitted')
    return notice('info', r.state === 'accepted' ? 'Báo cáo đã được tiếp nhận.'
      : r.state === 'returned' ? 'Báo cáo đã trả lại; đang chờ đơn vị sửa và nộp lại.'
        : 'Đơn vị chưa nộp báo cáo: chưa thể tiếp nhận hoặc trả lại.');
  const comment = h('textarea', { id: 'review-comment', rows: 3, placeholder: 'Ví dụ: Đề nghị xem lại số hồ sơ năm 2020' });
  const decide = (what) => async (event) => {
    event.preventDefault();
    if (what === 'return' && !comment.value.trim())
      return clear(message, notice('error', 'Khi trả lại, hãy ghi ý kiến để đơn vị biết cần sửa gì.'));
    try {
      await post(`below/${encodeURIComponent(unit)}/${what}`, { comment: comment.value.trim() });
      markSaved(what === 'accept' ? 'Đã tiếp nhận' : 'Đã trả lại');
      await unitReviewPage(document.getElementById('main'), unit);
      document.getElementById('decide-message').replaceChildren(notice('ok',
        (what === 'accept' ? 'Đã tiếp nhận báo cáo.' : 'Đã trả lại báo cáo kèm ý kiến.') + ' Hãy đồng bộ để gửi quyết định cho đơn vị.'));
    } catch (error) {
      clear(message, notice('error', error.message));
    }
  };
  return h('form', { id: 'decide-form', class: 'decide' },
    h('h2', {}, 'Xem xét báo cáo'),
    h('label', { class: 'field' }, 'Ý kiến (bắt buộc khi trả lại)', comment),
    h('button', { type: 'button', id: 'accept', onclick: decide('accept') }, 'Tiếp nhận'), ' ',
    h('button', { type: 'button', id: 'give-back', class: 'secondary', onclick: decide('return') }, 'Trả lại để sửa'));
}

function historyTable(history) {
  if (!history.length) return h('p', { class: 'hint' }, 'Chưa có.');
  return h('table', { class: 'list', id: 'unit-history' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Thời gian'), h('th', {}, 'Việc'), h('th', {}, 'Người'), h('th', {}, 'Ý kiến'))),
    h('tbody', {}, history.map((e) => h('tr', {}, h('td', {}, when(e.time)), h('td', {}, actions[e.action] || e.action),
      h('td', {}, e.author), h('td', {}, [e.comment, e.override_reason ? ` (lý do: ${e.override_reason})` : ''])))));
}

// A form as text cells; `drill(row, cell, td)` makes a cell clickable (roll-up).
function readonlyTable(form, id, drill) {
  return h('table', { class: 'form readonly-form', id },
    h('thead', {}, h('tr', {}, h('th', { class: 'stt' }, 'STT'), h('th', { class: 'label' }, 'Nội dung'),
      form.columns.map((c) => h('th', { class: 'period' }, c.label.replace(/\s*\(.*\)$/, ''), c.note ? h('div', { class: 'col-note' }, c.note) : '')))),
    h('tbody', {}, form.rows.map((row) => {
      const classes = 'depth-' + Math.min(row.depth, 4) + ' type-' + row.type;
      if (row.type === 'heading')
        return h('tr', { class: classes }, h('td', { class: 'stt' }, row.stt),
          h('td', { class: 'label', colspan: form.columns.length + 1 }, row.label));
      return h('tr', { class: classes + (row.fills ? '' : ' not-ours'), 'data-code': row.code }, h('td', { class: 'stt' }, row.stt),
        h('td', { class: 'label' }, row.label, !row.fills && row.filled_by ? h('div', { class: 'row-hint' }, 'Do ' + row.filled_by + ' điền') : ''),
        row.cells.map((cell) => {
          if (!cell.present) return h('td', { class: 'blank' });
          const text = cell.text ? cell.text + (row.type === 'ratio' ? ' %' : '') : '';
          return drill ? drill(row, cell, text) : h('td', { class: 'readonly', 'data-name': cell.name }, text);
        }));
    })));
}

// ---- #/tong-hop/PL3: roll-up with drill-down, exports ----

export async function rollupPage(main, appendix) {
  appendix = appendix || 'PL3';
  const form = await get('rollup/' + encodeURIComponent(appendix));
  const apps = app.parts.filter((p) => p.kind === 'appendix');
  const panel = h('div', { id: 'drilldown' });
  const drill = (row, cell, text) => h('td', { class: 'readonly drill', 'data-name': cell.name },
    h('button', { type: 'button', class: text ? 'link' : 'link empty', title: 'Xem các đơn vị góp số liệu và các đơn vị còn thiếu', onclick: () => showDrill(panel, cell.name) },
      text || (cell.missing ? '' : '–'), cell.missing ? h('div', { class: 'cell-missing' }, `thiếu ${cell.missing}`) : ''));
  clear(main,
    h('h1', {}, 'Số liệu tổng hợp: ', form.title),
    coverageBox(form.coverage),
    h('p', { class: 'hint' }, 'Chỉ báo cáo đã được tiếp nhận mới được cộng. Bấm vào một ô để xem đơn vị nào góp số liệu và đơn vị nào còn thiếu; ô ghi "thiếu N" là còn N đơn vị chưa có số liệu.'),
    h('p', { class: 'tabs' }, apps.map((p) => h('a', { href: '#/tong-hop/' + p.id, class: p.id === appendix ? 'button' : 'button secondary' },
      'Phụ lục ' + p.id.replace(/^PL/, '')))),
    panel,
    h('div', { class: 'table-wrap' }, readonlyTable(form, 'rollup-' + appendix, drill)),
    h('h2', {}, 'Xuất báo cáo tổng hợp'),
    h('p', { class: 'hint', id: 'export-coverage' }, `Các tệp xuất ghi rõ: "${form.coverage.line}"`,
      form.coverage.missing.length ? ' và danh sách đơn vị chưa được tính.' : '.'),
    h('p', { class: 'exports' },
      h('a', { class: 'button', href: '/api/export/docx?tong-hop=1', download: '', id: 'export-rollup-docx' }, 'Tải báo cáo tổng hợp Word (.docx)'), ' ',
      h('a', { class: 'button', href: '/api/export/xlsx?tong-hop=1', download: '', id: 'export-rollup-xlsx' }, 'Tải phụ lục tổng hợp Excel (.xlsx)'), ' ',
      h('a', { class: 'button', href: '/api/export/csv?tong-hop=1', download: '', id: 'export-rollup-csv' }, 'Tải số liệu tổng hợp (.csv)')));
}

// "Số liệu tổng hợp từ 7/15 đơn vị" and the units not counted yet (the core's Coverage).
export function coverageBox(coverage) {
  const complete = coverage.counted === coverage.total;
  return notice(complete ? 'ok' : 'warn',
    h('b', { id: 'coverage', 'data-counted': coverage.counted, 'data-total': coverage.total }, coverage.line),
    coverage.missing.length
      ? h('details', { id: 'coverage-missing' },
        h('summary', {}, `Chưa được tính: ${coverage.missing.length} đơn vị chưa có báo cáo được tiếp nhận (bấm để xem danh sách)`),
        h('div', { class: 'missing-list' }, coverage.missing.join('; ')))
      : '');
}

const number = (v) => (v === null || v === undefined ? '' : String(Math.round(v * 10) / 10).replace('.', ','));

async function showDrill(panel, name) {
  const at = name.lastIndexOf('@');
  try {
    const d = await get(`drilldown/${encodeURIComponent(name.slice(0, at))}/${encodeURIComponent(name.slice(at + 1))}`);
    const below = await get('below');
    const names = Object.fromEntries(below.units.map((u) => [u.unit.code, u.unit.name]));
    names[below.unit.code] = below.unit.name;
    const ratio = d.type === 'ratio';
    const given = d.contributions.filter((c) => c.value !== null);
    clear(panel, h('section', { class: 'drill-panel' },
      h('h2', {}, `${d.label} (${periodLabel(d.period)})`),
      h('p', {}, 'Tổng hợp: ', h('b', { id: 'drill-value' }, number(d.value) + (ratio && d.value !== null ? ' %' : '')),
        ratio && d.denominator ? ` (= ${number(d.numerator)} / ${number(d.denominator)})` : ''),
      h('table', { class: 'list', id: 'drill-contributors' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Đơn vị góp số liệu'), h('th', {}, ratio ? 'Tử số' : 'Giá trị'), ratio ? h('th', {}, 'Mẫu số') : '')),
        h('tbody', {}, given.length ? given.map((c) => h('tr', { 'data-unit': c.unit },
          h('td', {}, `${c.name} (${c.unit})`), h('td', { class: 'num' }, number(c.value)), ratio ? h('td', { class: 'num' }, number(c.denominator)) : ''))
          : h('tr', {}, h('td', { colspan: ratio ? 3 : 2 }, 'Chưa có đơn vị nào góp số liệu cho ô này.')))),
      h('p', { id: 'drill-missing' }, d.missing.length
        ? [h('b', {}, `Còn thiếu ${d.missing.length} đơn vị chưa có số liệu: `), d.missing.map((c) => `${names[c] || c} (${c})`).join('; ')]
        : 'Không thiếu đơn vị nào.'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(panel) }, 'Đóng')));
    panel.scrollIntoView({ block: 'start' });
  } catch (error) {
    clear(panel, notice('error', error.message));
  }
}
