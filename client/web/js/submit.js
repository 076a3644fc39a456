// Submission: the completeness check (errors block, warnings need a reason), then the
// report's state and review history.
import { get, post } from './api.js';
import { h, clear, notice, problemList, when } from './dom.js';
import { app } from './app.js';

const actions = { submit: 'Nộp', accept: 'Chấp nhận', return: 'Trả lại', finalise: 'Hoàn tất' };

export async function submitPage(main) {
  const status = app.state.status;
  const [check, history] = await Promise.all([get('completeness'), get('review')]);
  const message = h('div', { id: 'submit-message' });
  const canSubmit = status.report_state === 'draft' || status.report_state === 'returned' || status.report_state === '';
  const reason = h('textarea', { id: 'override-reason', rows: 2, placeholder: 'Ví dụ: đơn vị không phát sinh số liệu ở các dòng này' });
  const comment = h('textarea', { id: 'submit-comment', rows: 2 });
  const submit = async (event) => {
    event.preventDefault();
    if (check.warnings.length && !reason.value.trim())
      return clear(message, notice('error', 'Báo cáo còn mục chưa đầy đủ: hãy ghi lý do vẫn nộp.'));
    try {
      await post('submit', { reason: reason.value.trim(), comment: comment.value.trim() });
      await app.refresh();
      await submitPage(main);
      document.getElementById('submit-message').replaceChildren(notice('ok', 'Đã nộp báo cáo. Hãy đồng bộ để gửi lên cấp trên.'));
    } catch (error) {
      clear(message, notice('error', error.message, error.problems.length ? problemList(error.problems) : ''));
    }
  };
  clear(main,
    h('h1', {}, 'Kiểm tra và nộp báo cáo'),
    h('p', {}, 'Trạng thái: ', h('b', { id: 'submit-state' }, status.report_state_label)),
    status.reviewer_comment ? notice(status.report_state === 'returned' ? 'warn' : 'info', 'Ý kiến của cấp trên: ', status.reviewer_comment) : '',
    canSubmit ? [
      check.errors.length ? [notice('error', `Có ${check.errors.length} lỗi phải sửa trước khi nộp:`), problemList(check.errors)] : notice('ok', 'Không có lỗi số liệu.'),
      check.warnings.length ? [notice('warn', `Có ${check.warnings.length} mục còn trống hoặc cần xem lại (không bắt buộc):`),
        h('details', { id: 'warnings' }, h('summary', {}, 'Xem danh sách'), problemList(check.warnings))] : '',
      h('form', { id: 'submit-form', onsubmit: submit },
        check.warnings.length ? h('label', { class: 'field' }, 'Lý do vẫn nộp khi còn mục trống', reason) : '',
        h('label', { class: 'field' }, 'Ghi chú gửi cấp trên (không bắt buộc)', comment),
        h('button', { type: 'submit', id: 'submit', disabled: check.errors.length > 0 }, 'Nộp báo cáo'))]
      : notice('info', 'Báo cáo đã nộp nên các biểu mẫu chỉ xem được. Khi cấp trên trả lại, có thể sửa và nộp lại.'),
    message,
    h('h2', {}, 'Lịch sử'),
    history.length ? h('table', { class: 'list', id: 'history' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Thời gian'), h('th', {}, 'Việc'), h('th', {}, 'Người'), h('th', {}, 'Ý kiến'), h('th', {}, 'Đã gửi'))),
      h('tbody', {}, history.map((e) => h('tr', {}, h('td', {}, when(e.time)), h('td', {}, actions[e.action] || e.action),
        h('td', {}, e.author), h('td', {}, [e.comment, e.override_reason ? ` (lý do: ${e.override_reason})` : '']),
        h('td', {}, e.synced ? 'Đã gửi' : 'Chưa gửi')))))
      : h('p', { class: 'hint' }, 'Chưa nộp lần nào.'));
}
