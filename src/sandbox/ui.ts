/** GET /sandbox: play the customer. Plain HTML and a little script, no build step. */
export const sandboxPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox carrier</title>
<style>
 body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
 fieldset{border:1px solid #ccc;border-radius:6px;margin-bottom:1rem}
 label{display:block;margin:.4rem 0} input,select,textarea{font:inherit;width:100%;box-sizing:border-box}
 table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.3rem;text-align:left;vertical-align:top}
 .muted{color:#777}
</style></head><body>
<h1>Sandbox carrier</h1>
<p class="muted">Act as a customer's phone: text one of our numbers, and read what each phone received.</p>
<fieldset><legend>Send as a handset</legend>
 <label>Our number <select id="to"></select></label>
 <label>Your phone (E.164) <input id="from" value="+14155550199"></label>
 <label>Message <textarea id="body" rows="3">Hello, I have a question</textarea></label>
 <button id="send">Send</button> <span id="result" class="muted"></span>
</fieldset>
<fieldset><legend>What <span id="who"></span> received</legend><table id="inbox"></table></fieldset>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function loadNumbers() {
  const { numbers } = await (await fetch('/sandbox/numbers')).json();
  $('to').innerHTML = numbers.map((n) => '<option>' + esc(n.phoneNumber) + '</option>').join('');
}
async function loadInbox() {
  const phone = $('from').value.trim();
  $('who').textContent = phone;
  const { messages } = await (await fetch('/sandbox/handsets/' + encodeURIComponent(phone) + '/messages')).json();
  $('inbox').innerHTML = '<tr><th>When</th><th>From</th><th>Message</th></tr>' + messages.reverse().map((m) =>
    '<tr><td>' + esc(m.dateSent) + '</td><td>' + esc(m.from) + '</td><td>' + esc(m.body) + '</td></tr>').join('');
}
$('send').onclick = async () => {
  const r = await fetch('/sandbox/inbound', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: $('from').value.trim(), to: $('to').value, body: $('body').value }) });
  const j = await r.json();
  $('result').textContent = r.ok ? (j.delivered ? 'delivered to the webhook' : 'webhook not reached (' + (j.responseStatus ?? j.failure ?? 'no SmsUrl') + ')') + (j.autoReply ? '; carrier replied' : '') : j.error.message;
  loadInbox();
};
$('from').onchange = loadInbox;
loadNumbers().then(loadInbox);
setInterval(loadInbox, 2000);
</script></body></html>`;
