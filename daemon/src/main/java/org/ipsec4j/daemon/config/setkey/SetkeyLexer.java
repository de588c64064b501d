package org.ipsec4j.daemon.config.setkey;

/**
 * Splits setkey text into words, quoted strings and semicolons. Whitespace (line breaks included) separates
 * tokens and is otherwise ignored, so statements may span lines and share them; {@code #} starts a comment
 * to the end of the line. Addresses, ranges and policy rules are single words that the parser takes apart
 * character by character, which is what lets it point at the exact column of a mistake.
 */
final class SetkeyLexer {

    enum Kind { WORD, QUOTED, SEMICOLON, END }

    /**
     * One token: {@code text} is the word, the content of a quoted string without its quotes, ";" or "";
     * {@code offset} is the char index of its first character (the opening quote for a quoted string).
     */
    record Token(Kind kind, String text, int offset) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equals(word);
        }

        boolean isOption() {
            return kind == Kind.WORD && text.length() > 1 && text.charAt(0) == '-';
        }
    }

    /** Thrown for an unterminated quoted string; the parser turns it into a {@link SetkeyException}. */
    static final class LexicalError extends Exception {
        final int offset;

        LexicalError(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private final String text;
    private int position;

    SetkeyLexer(String text) {
        this.text = text;
    }

    Token next() throws LexicalError {
        skipBlanksAndComments();
        int n = text.length();
        if (position >= n) {
            return new Token(Kind.END, "", n);
        }
        int start = position;
        char c = text.charAt(position);
        if (c == ';') {
            position++;
            return new Token(Kind.SEMICOLON, ";", start);
        }
        if (c == '"') {
            int close = start + 1;
            while (close < n && text.charAt(close) != '"' && text.charAt(close) != '\n') {
                close++;
            }
            if (close >= n || text.charAt(close) != '"') {
                throw new LexicalError(start, "unterminated quoted string: no closing '\"' on this line");
            }
            position = close + 1;
            return new Token(Kind.QUOTED, text.substring(start + 1, close), start);
        }
        while (position < n && !endsWord(text.charAt(position))) {
            position++;
        }
        return new Token(Kind.WORD, text.substring(start, position), start);
    }

    private void skipBlanksAndComments() {
        int n = text.length();
        while (position < n) {
            char c = text.charAt(position);
            if (isBlank(c)) {
                position++;
            } else if (c == '#') {
                while (position < n && text.charAt(position) != '\n') {
                    position++;
                }
            } else {
                return;
            }
        }
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean endsWord(char c) {
        return isBlank(c) || c == ';' || c == '#' || c == '"';
    }

    /** {@code 'c'} for a printable ASCII character, {@code U+XXXX} otherwise, "the end" past the text. */
    static String quoteChar(String text, int index) {
        if (index >= text.length()) {
            return "the end";
        }
        int c = text.codePointAt(index);
        return c >= 0x21 && c <= 0x7E ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }

    /**
     * A word as error messages show it: quoted, shortened, with unprintable characters escaped. Hex strings
     * that might be key material are described, never shown.
     */
    static String describe(Token token) {
        return switch (token.kind()) {
            case END -> "the end of the file";
            case SEMICOLON -> "';'";
            case QUOTED -> "a quoted string";
            case WORD -> looksLikeKey(token.text())
                    ? "a hex string of " + hexDigits(token.text()) + " digits"
                    : "'" + printable(token.text(), 40) + "'";
        };
    }

    /** 0x followed by more hex than an SPI has, or 16+ bare hex digits: possibly a key, so not echoed. */
    static boolean looksLikeKey(String word) {
        int digits = hexDigits(word);
        boolean prefixed = word.length() > 2 && word.charAt(0) == '0' && (word.charAt(1) | 0x20) == 'x';
        return prefixed ? digits > 8 : digits >= 16 && digits == word.length();
    }

    private static int hexDigits(String word) {
        int from = word.length() > 2 && word.charAt(0) == '0' && (word.charAt(1) | 0x20) == 'x' ? 2 : 0;
        int count = 0;
        for (int i = from; i < word.length(); i++) {
            if (Character.digit(word.charAt(i), 16) >= 0 && word.charAt(i) < 0x80) {
                count++;
            }
        }
        return count;
    }

    static String printable(String text, int limit) {
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (count++ == limit) {
                out.append("...");
                break;
            }
            if (c >= 0x20 && c < 0x7F && c != '\'') {
                out.append((char) c);
            } else {
                out.append(String.format("\\u%04X", c));
            }
        }
        return out.toString();
    }
}
