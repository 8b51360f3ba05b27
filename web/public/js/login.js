// login.js — the sign-in form: POST /login, keep the CSRF token, go to the map.
import { api, rememberCsrf } from './api.js';

const form = document.getElementById('login');
const error = document.getElementById('error');

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  error.textContent = '';
  try {
    const session = await api('POST', '/login', {
      user: document.getElementById('user').value,
      password: document.getElementById('password').value,
    });
    rememberCsrf(session.csrf);
    location.href = 'index.html';
  } catch (e) {
    error.textContent = e.status === 429 ? 'Too many attempts: wait a minute.' : e.message;
  }
});
