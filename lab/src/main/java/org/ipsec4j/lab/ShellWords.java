package org.ipsec4j.lab;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Writes an argument list as a command line that can be pasted into a shell to rerun it. */
final class ShellWords {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
