/// Decorative inline SVG icons. Hidden from assistive technology: the text next to each icon
/// carries the meaning. Colours come from the stylesheet (`currentColor`), so dark mode follows.
enum Icon {
    static let logo = """
        <svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false">\
        <path class="logo-shield" d="M12 2.5 4.5 5.3v5.9c0 4.6 3.1 8.7 7.5 10.3 4.4-1.6 7.5-5.7 7.5-10.3V5.3L12 2.5Z"/>\
        <path class="logo-check" d="m8.6 12.1 2.4 2.4 4.4-4.6"/></svg>
        """

    static let alert = """
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">\
        <circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.2v.3"/></svg>
        """

    static let check = """
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">\
        <circle cx="12" cy="12" r="9"/><path d="m8.2 12.3 2.6 2.6 5-5.3"/></svg>
        """

    static let info = """
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">\
        <circle cx="12" cy="12" r="9"/><path d="M12 11v5.5M12 7.8v.3"/></svg>
        """
}
