// The overview: progress per part, deadline, report state, sync state, exports.
import { post } from './api.js';
import { h, clear, notice, dateVi, when, markSaved } from './dom.js';
import { app, shortTitle } from './app.js';

export async function overviewPage(main) {
  const s = app.state.status;
  const days = s.days_left;
  const deadline = s.deadline
    ? `${dateVi(s.deadline)} (${days === null ? '' : days >= 0 ? `còn ${days} ngày` : `đã quá hạn ${-days} ngày`})`
    : 'chưa có';
  const refused = h('div', { id: 'refused' });
  renderRefused(refused, s.refused);
  clear(main,
    h('h1', {}, 'Tổng quan báo cáo'),
    s.reviewer_comment ? notice(s.report_state === 'returned' ? 'warn' : 'info',
      h('b', {}, 'Ý kiến của cấp trên: '), h('span', { id: 'reviewer-comment' }, s.reviewer_comment)) : '',
    h('dl', { class: 'facts' },
      h('dt', {}, 'Đơn vị'), h('dd', {}, `${s.unit.name} (mã ${s.unit.code}), ${s.unit.level_label}`),
      h('dt', {}, 'Trạng thái báo cáo'), h('dd', { id: 'state-text' }, s.report_state_label),
      h('dt', {}, 'Hạn nộp'), h('dd', { class: days !== null && days < 0 ? 'bad' : '' }, deadline),
      h('dt', {}, 'Lần đồng bộ gần nhất'), h('dd', {}, s.last_sync ? when(s.last_sync) : 'chưa đồng bộ',
        s.last_error ? h('div', { class: 'bad' }, 'Lần gần nhất bị lỗi: ' + s.last_error) : ''),
      h('dt', {}, 'Sửa đổi chưa gửi'), h('dd', { id: 'unsent' }, String(s.unsent)),
      h('dt', {}, 'Xung đột chưa giải quyết'), h('dd', {}, s.open_conflicts ? h('a', { href: '#/xung-dot', class: 'bad' }, String(s.open_conflicts)) : '0'),
      h('dt', {}, 'Sửa đổi bị từ chối'), h('dd', {}, String(s.refused.length)),
      h('dt', {}, 'Máy chủ'), h('dd', {}, s.server || h('a', { href: '#/dang-ky' }, 'chưa đăng ký máy'))),
    refused,
    h('h2', {}, 'Tiến độ nhập liệu'),
    progressTable(app.parts),
    h('h2', {}, 'Xuất báo cáo'),
    h('p', { class: 'exports' },
      h('a', { class: 'button', href: '/api/export/docx', download: '', id: 'export-docx' }, 'Tải báo cáo Word (.docx)'), ' ',
      h('a', { class: 'button', href: '/api/export/xlsx', download: '', id: 'export-xlsx' }, 'Tải phụ lục Excel (.xlsx)'), ' ',
      h('a', { class: 'button', href: '/api/export/csv', download: '', id: 'export-csv' }, 'Tải số liệu (.csv)')));
}

function progressTable(parts) {
  const rows = parts.filter((p) => p.writable || p.kind !== 'section').map((p) => {
    const link = p.kind === 'appendix' ? '#/phu-luc/' + p.id : p.kind === 'table' ? '#/danh-sach/' + p.id
      : p.kind === 'goals' ? '#/muc-tieu' : '#/thuyet-minh';
    const pct = p.total ? Math.round((100 * p.filled) / p.total) : 0;
    const title = p.kind === 'section' ? `${p.number} ${p.title}` : `${shortTitle(p)}: ${p.title}`;
    return h('tr', { class: 'depth-' + Math.min(p.depth, 4) },
      h('td', {}, h('a', { href: link }, title)),
      h('td', { class: 'num' }, `${p.filled}/${p.total}`),
      h('td', {}, h('progress', { max: 100, value: pct })));
  });
  return h('table', { class: 'progress', id: 'progress' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Phần'), h('th', {}, 'Đã nhập'), h('th', {}, 'Tiến độ'))),
    h('tbody', {}, rows));
}

function renderRefused(box, refused) {
  if (!refused.length) return clear(box);
  clear(box,
    h('h2', {}, 'Sửa đổi bị cấp trên từ chối'),
    h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Mục'), h('th', {}, 'Giá trị'), h('th', {}, 'Lý do'), h('th', {}, ''))),
      h('tbody', {}, refused.map((r) => h('tr', {},
        h('td', {}, r.label || r.field), h('td', {}, r.value), h('td', {}, r.reason),
        h('td', {}, h('button', { onclick: async (event) => {
          try {
            await post(`refused/${r.op}/reapply`);
            markSaved('Đã áp dụng lại');
            event.target.replaceWith(h('span', { class: 'ok' }, 'Đã áp dụng lại (sẽ gửi ở lần đồng bộ sau)'));
          } catch (error) {
            event.target.after(h('div', { class: 'bad' }, error.message));
          }
        } }, 'Áp dụng lại')))))));
}
