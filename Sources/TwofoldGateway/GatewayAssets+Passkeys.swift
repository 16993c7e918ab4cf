import TwofoldHTTP
import TwofoldPages

/// The one script the gateway serves: it runs `navigator.credentials.create/get` on the passkey
/// pages and posts the browser's answer in the page's form. Everything else stays server-rendered,
/// and no page but the passkey ones loads it (their policy adds `script-src 'self'`, nothing more:
/// no inline script, no `eval`, no other origin). Binary values travel base64url, as the vault
/// expects them; the script never builds markup (`textContent` only).
extension GatewayAssets {
    static let passkeysScriptPath = Pages.passkeysScriptPath

    /// The policy of the passkey pages: the default one plus this origin's scripts.
    static let passkeyPagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    static let passkeysScript = #"""
        // Twofold: passkey ceremonies for the form[data-webauthn] on this page (see GatewayAssets+Passkeys.swift).
        "use strict";
        (function () {
          function fromBase64URL(text) {
            var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
            while (base64.length % 4) base64 += "=";
            var binary = atob(base64);
            var bytes = new Uint8Array(binary.length);
            for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
            return bytes;
          }
          function toBase64URL(buffer) {
            var bytes = new Uint8Array(buffer);
            var binary = "";
            for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
            return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          }
          function descriptors(list) {
            return (list || []).map(function (item) {
              return { type: "public-key", id: fromBase64URL(item.id), transports: item.transports || [] };
            });
          }
          function creationOptions(options) {
            var copy = Object.assign({}, options);
            copy.challenge = fromBase64URL(options.challenge);
            copy.user = Object.assign({}, options.user, { id: fromBase64URL(options.user.id) });
            copy.excludeCredentials = descriptors(options.excludeCredentials);
            return copy;
          }
          function requestOptions(options) {
            var copy = Object.assign({}, options);
            copy.challenge = fromBase64URL(options.challenge);
            copy.allowCredentials = descriptors(options.allowCredentials);
            return copy;
          }
          function fill(form, name, value) {
            var input = form.querySelector('input[name="' + name + '"]');
            if (input) input.value = value;
          }
          function say(text) {
            var status = document.getElementById("passkey-status");
            if (status) status.textContent = text;
          }
          function run(form) {
            var options = JSON.parse(form.getAttribute("data-options"));
            var creating = form.getAttribute("data-webauthn") === "create";
            say("Follow your browser's instructions to use your passkey.");
            var call = creating
              ? navigator.credentials.create({ publicKey: creationOptions(options) })
              : navigator.credentials.get({ publicKey: requestOptions(options) });
            call.then(function (credential) {
              var response = credential.response;
              fill(form, "client_data_json", toBase64URL(response.clientDataJSON));
              if (creating) {
                fill(form, "attestation_object", toBase64URL(response.attestationObject));
                fill(form, "transports", response.getTransports ? response.getTransports().join(",") : "");
              } else {
                fill(form, "credential_id", toBase64URL(credential.rawId));
                fill(form, "authenticator_data", toBase64URL(response.authenticatorData));
                fill(form, "signature", toBase64URL(response.signature));
                fill(form, "user_handle", response.userHandle ? toBase64URL(response.userHandle) : "");
              }
              form.submit();
            }, function (error) {
              say("The passkey was not used (" + error.name + "). Try again, or go back.");
            });
          }
          document.addEventListener("DOMContentLoaded", function () {
            var forms = document.querySelectorAll("form[data-webauthn]");
            for (var i = 0; i < forms.length; i++) {
              (function (form) {
                if (!window.PublicKeyCredential || !navigator.credentials) {
                  say("This browser cannot use passkeys. Go back and use your verification code.");
                  return;
                }
                form.addEventListener("submit", function (event) {
                  event.preventDefault();
                  run(form);
                });
              })(forms[i]);
            }
          });
        })();

        """#

    static let passkeysScriptResponse = HTTPResponse(
        status: .ok,
        headers: ["Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"],
        body: Array(passkeysScript.utf8))
}
