// Sync with progress and cancel, and the conflicts kept aside by the server.
import { get, post } from './api.js';
import { h, clear, notice, markSaved } from './dom.js';
import { app } from './app.js';

export async function syncPage(main) {
  const status = app.state.status;
  const log = h('ol', { id: 'sync-progress', class: 'progress-log' });
  const result = h('div', { id: 'sync-result' });
  const start = h('button', { id: 'sync-start' }, 'Đồng bộ ngay');
  const cancel = h('button', { id: 'sync-cancel', class: 'secondary', hidden: true }, 'Hủy');
  start.addEventListener('click', async () => {
    clear(result);
    clear(log);
    try {
      await post('sync');
      watch();
    } catch (error) {
      clear(result, notice('error', error.message));
    }
  });
  cancel.addEventListener('click', () => post('sync/cancel'));
  const watch = async () => {
    const job = await get('sync');
    start.disabled = job.running;
    cancel.hidden = !job.running;
    clear(log, job.progress.map((line) => h('li', {}, line)));
    if (job.running) return setTimeout(watch, 400);
    clear(result, describe(job));
    if (job.result || job.error) await app.refresh();
  };
  clear(main,
    h('h1', {}, 'Đồng bộ với cấp trên'),
    status.server ? h('p', {}, `Máy chủ: ${status.server}. Còn ${status.unsent} sửa đổi chưa gửi.`)
      : notice('warn', 'Máy này chưa đăng ký với máy chủ. ', h('a', { href: '#/dang-ky' }, 'Đăng ký máy')),
    h('p', {}, start, ' ', cancel),
    log, result);
  await watch();
}

function describe(job) {
  if (job.error) return notice('error', 'Không đồng bộ được: ' + job.error);
  const r = job.result;
  if (!r) return '';
  if (r.cancelled) return notice('warn', 'Đã hủy đồng bộ. Những gì đã gửi được vẫn được giữ; phần còn lại sẽ gửi ở lần sau.');
  if (!r.ok) return notice('error', 'Không đồng bộ được: ' + (r.error || 'lỗi không rõ') + '. Dữ liệu vẫn an toàn trên máy; hãy thử lại sau.');
  const parts = [`Đồng bộ xong: đã gửi ${r.sent} sửa đổi, nhận ${r.pulled} thay đổi từ máy chủ.`];
  // The CLI's exit 9: refused edits are kept, each listed with its reason in Tổng quan.
  if (r.refused.length) {
    parts.push(` Máy chủ từ chối ${r.refused.length} sửa đổi; chúng vẫn được giữ trên máy (xem Tổng quan, áp dụng lại khi được phép).`);
  } else if (r.refused_kept) {
    parts.push(` Còn ${r.refused_kept} sửa đổi bị từ chối đang được giữ (xem Tổng quan).`);
  }
  if (r.conflicts.length) parts.push(` ${r.conflicts.length} xung đột cần chọn giá trị (xem Xung đột).`);
  markSaved('Đã đồng bộ');
  const warn = r.refused.length || r.refused_kept || r.conflicts.length;
  return notice(warn ? 'warn' : 'ok', parts.join(''));
}

export async function conflictsPage(main) {
  const conflicts = await get('conflicts');
  const message = h('div');
  const choose = async (conflict, keep) => {
    try {
      await post('conflicts/' + conflict.id, { keep });
      markSaved('Đã chọn giá trị');
      const kept = keep === 'current' ? conflict.current.value : conflict.other.value;
      document.getElementById('conflict-' + conflict.id).replaceWith(notice('ok',
        `${conflict.label || conflict.field}: đã giữ giá trị ${kept || '(trống)'}. Lựa chọn sẽ được gửi ở lần đồng bộ sau.`));
    } catch (error) {
      clear(message, notice('error', error.message));
    }
  };
  const side = (title, v, conflict, keep) => h('div', { class: 'side' },
    h('h3', {}, title), h('div', { class: 'value' }, v.value || '(trống)'),
    h('div', { class: 'hint' }, `Người nhập: ${v.author || 'không rõ'}${v.device ? ' · máy ' + v.device : ''}`),
    h('button', { onclick: () => choose(conflict, keep) }, 'Giữ giá trị này'));
  clear(main,
    h('h1', {}, 'Xung đột cần chọn giá trị'),
    h('p', { class: 'hint' }, 'Hai người cùng sửa một mục trước khi đồng bộ. Hãy chọn giá trị đúng; lựa chọn được gửi ở lần đồng bộ sau.'),
    message,
    conflicts.length ? conflicts.map((c) => h('div', { class: 'conflict', id: 'conflict-' + c.id },
      h('h2', {}, c.label || c.field),
      h('div', { class: 'sides' }, side('Giá trị hiện tại', c.current, c, 'current'), side('Giá trị kia', c.other, c, 'other'))))
      : notice('ok', 'Không có xung đột nào.'));
}
