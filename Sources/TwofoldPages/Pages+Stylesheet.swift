extension Pages {
    /// The one stylesheet of every page, served at `stylesheetPath` (CSP `style-src 'self'`).
    /// System fonts, a centred card, a blue accent, light and dark schemes, and nothing wider
    /// than a 320 px phone needs.
    public static let stylesheet = """
        :root {
          color-scheme: light dark;
          --bg: #f3f5f9; --card: #ffffff; --text: #18202e; --muted: #5a6477; --border: #dce1ea;
          --accent: #2b5fd9; --accent-hover: #1f4bb5; --on-accent: #ffffff; --accent-soft: #eaf0fd;
          --input: #ffffff; --input-border: #c3cad6;
          --error-bg: #fdeeed; --error-border: #f0bcb8; --error-text: #9b1c1c;
          --notice-bg: #eaf6ef; --notice-border: #b3dcc4; --notice-text: #1c5f3b;
          --info-bg: #f4f6fa; --info-border: #dce1ea; --info-text: #2c3546;
          --warn-bg: #fdf5e3; --warn-border: #ecd08f; --warn-text: #6b4a06;
          --shadow: 0 1px 2px rgb(16 24 40 / 4%), 0 12px 32px rgb(16 24 40 / 8%);
          --radius: 16px; --control-radius: 10px;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0e1218; --card: #161b24; --text: #e6e9f0; --muted: #9ba4b6; --border: #283041;
            --accent: #7aa2ff; --accent-hover: #9bbaff; --on-accent: #0b1222; --accent-soft: #1b2640;
            --input: #0f141c; --input-border: #39435a;
            --error-bg: #35161a; --error-border: #6b2a2f; --error-text: #ffb3ae;
            --notice-bg: #11291d; --notice-border: #275a3d; --notice-text: #9fdcb8;
            --info-bg: #1b212c; --info-border: #2c3446; --info-text: #d3d9e4;
            --warn-bg: #2e2410; --warn-border: #6a5220; --warn-text: #f3d58f;
            --shadow: 0 1px 2px rgb(0 0 0 / 30%);
          }
        }
        *, *::before, *::after { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body {
          margin: 0; min-height: 100vh; display: flex; flex-direction: column;
          background: var(--bg); color: var(--text);
          font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        a { color: var(--accent); text-underline-offset: .18em; }
        a:hover { color: var(--accent-hover); }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }

        .topbar {
          display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
          gap: .5rem 1.5rem; padding: .875rem 1.25rem; max-width: 72rem; width: 100%; margin: 0 auto;
        }
        .brand {
          display: inline-flex; align-items: center; gap: .5rem; min-height: 44px; color: var(--text);
          font-weight: 650; font-size: 1.125rem; text-decoration: none; letter-spacing: -.01em;
        }
        .brand:hover { color: var(--text); }
        .logo { width: 1.75rem; height: 1.75rem; }
        .logo-shield { fill: var(--accent); }
        .logo-check { fill: none; stroke: var(--card); stroke-width: 2.2; stroke-linecap: round; stroke-linejoin: round; }
        .nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1.125rem; font-size: .9375rem; }
        .nav a { text-decoration: none; font-weight: 500; }
        .nav a, .nav .linkbutton {
          display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px;
          padding: 0 .25rem;
        }
        .nav a:hover { text-decoration: underline; }
        .who { color: var(--muted); overflow-wrap: anywhere; flex-basis: 100%; }
        @media (min-width: 640px) { .who { flex-basis: auto; } }

        main { flex: 1; display: flex; justify-content: center; align-items: flex-start; padding: 1.5rem 1rem 2.5rem; }
        .card {
          width: 100%; max-width: 27rem; background: var(--card); border: 1px solid var(--border);
          border-radius: var(--radius); box-shadow: var(--shadow); padding: 2rem 1.75rem;
        }
        .card.setup { max-width: 34rem; }
        .card.wide { max-width: 44rem; }
        @media (min-width: 640px) { main { padding-top: 6vh; } .card { padding: 2.25rem 2.25rem; } }
        @media (max-width: 400px) {
          main { padding: .5rem .625rem 2rem; }
          .card { padding: 1.5rem 1.125rem; border-radius: 12px; }
        }
        .footer { text-align: center; color: var(--muted); font-size: .8125rem; padding: 0 1rem 1.5rem; }
        .footer p { margin: 0; }

        h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .5rem; letter-spacing: -.015em; }
        h2 { font-size: 1.0625rem; line-height: 1.35; margin: 0 0 .5rem; }
        h3 { font-size: .9375rem; margin: 1.25rem 0 .5rem; }
        p { margin: 0 0 1rem; }
        .lead { color: var(--muted); margin-bottom: 1.5rem; }
        .eyebrow {
          margin: 0 0 .375rem; color: var(--accent); font-size: .75rem; font-weight: 700;
          letter-spacing: .08em; text-transform: uppercase;
        }
        .fine { color: var(--muted); font-size: .875rem; }
        form + .fine { margin-top: 1.25rem; }
        .nowrap { white-space: nowrap; }
        .wrap { overflow-wrap: anywhere; }

        form { margin: 0; }
        form.inline { display: inline; }
        .field { margin-bottom: 1.125rem; }
        .field-error {
          display: flex; gap: .375rem; align-items: flex-start; margin: 0 0 .375rem;
          color: var(--error-text); font-weight: 600; font-size: .9375rem;
        }
        .field-error .icon { flex: none; width: 1.25rem; height: 1.25rem; margin-top: .0625rem; }
        .field-invalid { padding-left: .75rem; border-left: 3px solid var(--error-text); }
        .field-link { margin: -.5rem 0 0; }
        .field-link a { display: inline-flex; align-items: center; min-height: 44px; font-size: .9375rem; }
        label { display: block; font-weight: 600; font-size: .9375rem; margin-bottom: .375rem; }
        .hint { color: var(--muted); font-size: .8125rem; margin: .375rem 0 0; }
        input[type="text"], input[type="email"], input[type="password"], input[type="tel"] {
          display: block; width: 100%; min-height: 2.875rem; padding: .625rem .75rem;
          font: inherit; color: var(--text); background: var(--input);
          border: 1px solid var(--input-border); border-radius: var(--control-radius);
        }
        input:focus-visible { outline-offset: 0; border-color: var(--accent); }
        input[aria-invalid="true"] { border-color: var(--error-text); }
        input.code {
          font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
          font-size: 1.375rem; letter-spacing: .25em; text-align: center;
        }
        fieldset { border: 0; border-top: 1px solid var(--border); margin: 1.5rem 0 0; padding: 1.25rem 0 0; min-width: 0; }
        legend { font-weight: 650; padding: 0 .5rem 0 0; }

        .button {
          display: flex; align-items: center; justify-content: center; width: 100%; min-height: 2.875rem;
          margin: 1.5rem 0 0; padding: .625rem 1.125rem; border: 1px solid transparent; border-radius: var(--control-radius);
          background: var(--accent); color: var(--on-accent); font: inherit; font-weight: 600;
          text-decoration: none; cursor: pointer;
        }
        .button:hover { background: var(--accent-hover); color: var(--on-accent); }
        .button.secondary { background: transparent; color: var(--accent); border-color: var(--border); }
        .button.secondary:hover { background: var(--accent-soft); color: var(--accent); }
        .field + .button, .field + fieldset + .button { margin-top: 1.5rem; }
        .card.wide .button { width: auto; }
        .linkbutton {
          display: inline-flex; align-items: center; min-height: 44px; min-width: 44px;
          padding: 0; border: 0; background: none; color: var(--accent); font: inherit;
          text-decoration: underline; text-underline-offset: .18em; cursor: pointer;
        }
        .linkbutton:hover { color: var(--accent-hover); }
        .nav .linkbutton { text-decoration: none; font-weight: 500; }
        .nav .linkbutton:hover { text-decoration: underline; }

        .msg {
          display: flex; gap: .625rem; align-items: flex-start; margin: 0 0 1.25rem; padding: .75rem .875rem;
          border: 1px solid; border-radius: var(--control-radius); font-size: .9375rem;
        }
        .msg p { margin: 0; }
        .msg p + p { margin-top: .5rem; }
        .msg .icon { flex: none; width: 1.25rem; height: 1.25rem; margin-top: .0625rem; }
        .icon { fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
        .msg-error { background: var(--error-bg); border-color: var(--error-border); color: var(--error-text); }
        .msg-notice { background: var(--notice-bg); border-color: var(--notice-border); color: var(--notice-text); }
        .msg-info { background: var(--info-bg); border-color: var(--info-border); color: var(--info-text); }
        .msg-warning { background: var(--warn-bg); border-color: var(--warn-border); color: var(--warn-text); }
        .error-summary {
          margin: 0 0 1.25rem; padding: .75rem .875rem; border: 2px solid var(--error-text);
          border-radius: var(--control-radius); background: var(--error-bg); color: var(--error-text);
        }
        .error-summary h2 { display: flex; gap: .5rem; align-items: center; font-size: 1rem; margin: 0; }
        .error-summary h2 .icon { width: 1.25rem; height: 1.25rem; }
        .error-summary ul { margin: .25rem 0 0; padding-left: 1.75rem; }
        .error-summary a { display: inline-flex; align-items: center; min-height: 44px; color: var(--error-text); font-weight: 600; }

        .links {
          list-style: none; margin: 1.75rem 0 0; padding: 1rem 0 0; border-top: 1px solid var(--border);
          display: grid; gap: .25rem; justify-items: center; text-align: center; font-size: .9375rem;
        }
        .links a { display: inline-flex; align-items: center; min-height: 44px; }
        .not-you { color: var(--muted); }
        .who-line { display: block; overflow-wrap: anywhere; }
        .aside { margin-top: 1.75rem; }
        .aside p { margin: 0; color: var(--muted); font-size: .9375rem; }
        .aside .button { margin-top: .5rem; }
        .actions { list-style: none; margin: 1.5rem 0 0; padding: 0; display: grid; gap: .625rem; }
        .actions .button { margin: 0; }
        .actions form.inline { display: block; }

        .steps { list-style: none; counter-reset: step; margin: 0; padding: 0; }
        .steps > li { counter-increment: step; position: relative; padding: 0 0 1.75rem 2.75rem; }
        .steps > li::before {
          content: counter(step); position: absolute; left: 0; top: -.125rem; width: 1.875rem; height: 1.875rem;
          display: grid; place-items: center; border-radius: 50%;
          background: var(--accent-soft); color: var(--accent); font-weight: 700; font-size: .875rem;
        }
        .steps > li:not(:last-child)::after {
          content: ""; position: absolute; left: .9rem; top: 2.125rem; bottom: .375rem; width: 2px;
          background: var(--border);
        }
        .steps p { margin-bottom: .75rem; }
        .steps .button { margin-top: 1rem; }
        .step-add { display: flex; flex-direction: column; }
        .step-add > h2 { order: 0; }
        .open-app { margin: .25rem 0 1rem; }
        .steps .open-app { margin-top: .25rem; }
        .manual-key { margin: 0 0 .5rem; }
        .manual-key .key-title { margin-bottom: .25rem; color: var(--muted); font-size: .9375rem; }
        .manual-key p { margin-bottom: .5rem; }
        @media (max-width: 639.98px) {
          .wide-only { display: none; }
          .step-add > .narrow-only { order: 1; }
          .step-add > .open-app { order: 2; }
          .step-add > .manual-key { order: 3; }
          .step-add > .qr { order: 4; }
        }
        @media (min-width: 640px) {
          .narrow-only, .open-app { display: none; }
          .step-add > .wide-only { order: 1; }
          .step-add > .qr { order: 2; }
          .step-add > .manual-key { order: 3; }
        }
        @media (min-width: 900px) {
          .card.setup { max-width: 58rem; }
          .card.setup .steps {
            display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); column-gap: 2.5rem;
          }
          .card.setup .step-app { grid-column: 1; grid-row: 1; }
          .card.setup .step-add { grid-column: 2; grid-row: 1 / span 2; }
          .card.setup .step-code { grid-column: 1; grid-row: 2; }
          .card.setup .steps > li::after { display: none; }
        }
        .apps { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .375rem; }
        .apps li {
          padding: .125rem .625rem; border: 1px solid var(--border); border-radius: 999px;
          color: var(--muted); font-size: .8125rem; white-space: nowrap;
        }
        .qr { margin: .25rem 0 1rem; }
        .qr-image {
          width: min(13.5rem, 100%); aspect-ratio: 1; padding: .375rem; background: #ffffff;
          border: 1px solid var(--border); border-radius: 12px;
        }
        .qr-image svg { display: block; width: 100%; height: 100%; }
        details { border: 1px solid var(--border); border-radius: var(--control-radius); padding: 0 .875rem; }
        summary { cursor: pointer; color: var(--accent); font-weight: 600; font-size: .9375rem; padding: .6875rem 0; }
        details[open] { padding-bottom: .625rem; }
        .countries ul { margin: 0; padding-left: 1.125rem; columns: 2; font-size: .875rem; color: var(--muted); }
        .facts { display: grid; grid-template-columns: auto 1fr; gap: .375rem 1rem; margin: 0; font-size: .9375rem; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        .secret {
          display: inline-block; padding: .125rem .375rem; border-radius: 6px; background: var(--accent-soft);
          font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
          font-size: 1.0625rem; word-spacing: .25em; user-select: all; -webkit-user-select: all;
        }
        .manual-key .secret { display: block; padding: .5rem .625rem; font-size: 1.125rem; overflow-wrap: anywhere; }

        .tabs { display: flex; gap: .25rem; margin: .5rem 0 1.5rem; border-bottom: 1px solid var(--border); }
        .tabs a {
          display: inline-flex; align-items: center; min-height: 44px;
          padding: .25rem .875rem; margin-bottom: -1px; border-bottom: 2px solid transparent;
          color: var(--muted); font-weight: 600; text-decoration: none;
        }
        .tabs a:hover { color: var(--text); }
        .tabs a[aria-current="page"] { color: var(--accent); border-bottom-color: var(--accent); }
        .section { margin-top: 1.75rem; padding-top: 1.5rem; border-top: 1px solid var(--border); }
        .tabs + .section, .tabs + .lead + .section, .tabs + .msg + .lead + .section,
        .tabs + .msg + .section { border-top: 0; padding-top: 0; margin-top: 0; }
        .section h2 + .msg { margin-top: .25rem; }
        .muted { color: var(--muted); }
        .account-list { margin: 0 0 1rem; padding-left: 1.25rem; }
        .account-list li { margin: .25rem 0; }
        .profile-facts { margin-bottom: 1.25rem; }
        .choices-row { display: grid; gap: .625rem; margin-top: 1.25rem; }
        @media (min-width: 640px) { .choices-row { grid-template-columns: 1fr 1fr; } }
        form.stack .button { margin: 0; }
        .section h2 { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
        .status {
          display: inline-block; padding: .0625rem .625rem; border-radius: 999px; font-size: .75rem; font-weight: 700;
        }
        .status.on { background: var(--notice-bg); color: var(--notice-text); }
        .status.off { background: var(--error-bg); color: var(--error-text); }
        @media (min-width: 640px) {
          form.row { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1rem; align-items: start; }
          form.row > .button { grid-column: 1 / -1; justify-self: start; margin-top: .25rem; }
        }
        .card.wide .section .button { margin-top: .25rem; }
        .card.wide form:not(.row) .field { max-width: 26rem; }
        .card.wide input.code { font-size: 1.0625rem; letter-spacing: .15em; text-align: left; }
        .section form + h3 { margin-top: 1.75rem; }

        .choices { list-style: none; margin: 0; padding: 0; display: grid; gap: .625rem; }
        .choice {
          display: flex; align-items: center; justify-content: space-between; gap: 1rem; width: 100%;
          padding: .875rem 1rem; border: 1px solid var(--border); border-radius: var(--control-radius);
          background: var(--card); color: var(--text); font: inherit; font-weight: 600; text-align: left; cursor: pointer;
        }
        .choice span:first-child { overflow-wrap: anywhere; }
        .choice:hover { border-color: var(--accent); background: var(--accent-soft); }
        .choice[aria-current="true"] { border-color: var(--accent); }
        .tag {
          flex: none; padding: .0625rem .5rem; border-radius: 999px; background: var(--accent-soft);
          color: var(--accent); font-size: .75rem; font-weight: 700;
        }
        .chevron { flex: none; color: var(--muted); font-size: 1.25rem; line-height: 1; }

        """ + backupCodesStylesheet
}
