// First run (choose the unit and the author) and enrolment with the server.
import { get, post } from './api.js';
import { h, clear, notice } from './dom.js';
import { app } from './app.js';

export async function setupPage(main) {
  const results = h('div', { id: 'unit-results', class: 'choices' });
  const message = h('div');
  let chosen = null;
  const search = h('input', { id: 'unit-search', type: 'search', autocomplete: 'off',
    placeholder: 'Ví dụ: Tân Lập, tan lap, Huyện Tân Biên' });
  const author = h('input', { id: 'author', type: 'text', autocomplete: 'name', placeholder: 'Họ và tên' });
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const found = await get('units?q=' + encodeURIComponent(search.value.trim()));
      clear(results, found.length ? found.map((u) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: 'unit', value: u.code, onchange: () => { chosen = u.code; } }),
        h('span', {}, u.description), h('span', { class: 'code' }, ' · mã ' + u.code)))
        : search.value.trim().length >= 2 ? h('p', { class: 'hint' }, 'Không tìm thấy đơn vị nào có tên này.') : '');
    }, 250);
  });
  const start = async (event) => {
    event.preventDefault();
    if (!chosen) return clear(message, notice('error', 'Hãy tìm và chọn đơn vị của mình trong danh sách.'));
    try {
      await post('init', { unit: chosen, author: author.value.trim() });
      app.go('#/tong-quan');
    } catch (error) {
      clear(message, notice('error', error.message));
    }
  };
  clear(main,
    h('h1', {}, 'Bắt đầu: chọn đơn vị báo cáo'),
    h('p', {}, 'Máy này sẽ lập báo cáo tổng kết cho một đơn vị. Gõ tên đơn vị (có dấu hoặc không dấu) rồi chọn trong danh sách.'),
    h('form', { id: 'setup-form', onsubmit: start },
      h('label', { class: 'field' }, 'Tên đơn vị', search),
      results,
      h('label', { class: 'field' }, 'Người nhập liệu', author),
      h('button', { type: 'submit', id: 'start' }, 'Bắt đầu'),
      message));
  search.focus();
  document.body.dataset.page = 'khoi-tao';
}

export async function enrolPage(main) {
  const s = app.state.status;
  const message = h('div', { id: 'enrol-message' });
  const server = h('input', { id: 'server-url', type: 'url', value: s.server || '', placeholder: 'https://tongket.tayninh.gov.vn:8443' });
  const ca = h('input', { id: 'ca-file', type: 'text', placeholder: 'C:\\tongket\\ca.pem' });
  const token = h('input', { id: 'token', type: 'text', autocomplete: 'off' });
  const submit = async (event) => {
    event.preventDefault();
    clear(message, notice('info', 'Đang đăng ký với máy chủ…'));
    try {
      const unit = await post('enroll', { server_url: server.value.trim(), ca_file: ca.value.trim(), token: token.value.trim() });
      clear(message, notice('ok', `Đã đăng ký máy này cho ${unit.name}. Từ nay có thể đồng bộ báo cáo.`));
      await app.refresh();
    } catch (error) {
      clear(message, notice('error', error.message));
    }
  };
  clear(main,
    h('h1', {}, 'Đăng ký máy với máy chủ tổng hợp'),
    s.device ? notice('ok', `Máy này đã đăng ký (mã máy ${s.device}, vai trò ${roleLabel(s.role)}) với ${s.server}.`) : '',
    h('p', {}, 'Quản trị viên của tỉnh cấp cho đơn vị: địa chỉ máy chủ, tệp chứng chỉ (ca.pem) và một mã đăng ký dùng một lần.'),
    h('form', { id: 'enrol-form', onsubmit: submit },
      h('label', { class: 'field' }, 'Địa chỉ máy chủ', server),
      h('label', { class: 'field' }, 'Tệp chứng chỉ của máy chủ (đường dẫn trên máy này)', ca),
      h('label', { class: 'field' }, 'Mã đăng ký', token),
      h('button', { type: 'submit', id: 'enrol' }, 'Đăng ký'),
      message));
}

export function roleLabel(role) {
  return { clerk: 'người nhập liệu', district_reviewer: 'cán bộ thẩm định cấp huyện',
    province_reviewer: 'cán bộ thẩm định cấp tỉnh', admin: 'quản trị' }[role] || role;
}
