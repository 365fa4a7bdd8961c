// Card payment (templates/orders/payments/_stripe_card.html). Uses only Stripe.js calls that
// real Stripe and localstripe's fake both have: elements().create('card'), createToken and
// confirmCardPayment. The server attaches the token to the PaymentIntent and confirms it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-card-payment]");
  if (!form) { return; }
  var errorBox = form.querySelector("[data-card-error]");
  var statusBox = form.querySelector("[data-card-status]");
  var button = form.querySelector("[data-card-submit]");

  function showError(message) {
    errorBox.textContent = message || form.dataset.msgFailed;
    errorBox.hidden = false;
    statusBox.textContent = "";
    button.disabled = false;
  }

  if (typeof window.Stripe !== "function") {
    showError(form.dataset.msgUnavailable);
    button.disabled = true;
    return;
  }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount(form.querySelector("[data-card-element]"));

  function postToken(tokenId) {
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.dataset.csrfToken
      },
      body: JSON.stringify({ token: tokenId })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          throw new Error((body.error && body.error.message) || form.dataset.msgFailed);
        }
        return body;
      });
    });
  }

  function authenticate(answer) {
    // 3-D Secure: Stripe.js shows the bank's challenge, then the return page checks the result.
    return stripe.confirmCardPayment(answer.client_secret).then(function (result) {
      var intent = result.paymentIntent;
      if (result.error || !intent || (intent.status !== "succeeded" && intent.status !== "processing")) {
        throw new Error((result.error && result.error.message) || form.dataset.msgAuthFailed);
      }
      return answer;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    errorBox.hidden = true;
    statusBox.textContent = form.dataset.msgWorking;
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token) {
        throw new Error(result.error && result.error.message);
      }
      return postToken(result.token.id);
    }).then(function (answer) {
      if (answer.status === "requires_action") {
        return authenticate(answer);
      }
      if (answer.status !== "succeeded" && answer.status !== "processing") {
        throw new Error(answer.message);
      }
      return answer;
    }).then(function (answer) {
      window.location.assign(answer.next_url);
    }).catch(function (error) {
      showError(error && error.message);
    });
  });
})();
