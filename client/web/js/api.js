// Calls to the local server's JSON API (docs/ui-api.md). A refusal becomes an Error with
// the server's Vietnamese message, its code and, for a pasted block, every bad cell.
export async function api(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/' + path, options);
  } catch {
    throw apiError({ code: 'offline', message: 'Không liên lạc được với chương trình tongket trên máy này. Hãy kiểm tra cửa sổ tongket còn mở.' });
  }
  const data = await response.json().catch(() => ({ code: 'internal', message: 'Chương trình trả lời không hợp lệ.' }));
  if (!response.ok) throw apiError(data);
  return data;
}

function apiError(data) {
  const error = new Error(data.message || 'Lỗi không rõ.');
  error.code = data.code;
  error.problems = data.problems || [];
  return error;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
