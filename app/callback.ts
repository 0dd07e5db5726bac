// The sign-in pop-up's landing page: hands the code to the app window (same origin only), closes.
const params = new URLSearchParams(location.search);
window.opener?.postMessage(
  { type: 'fairlisten-auth', code: params.get('code'), state: params.get('state') },
  location.origin,
);
window.close();
