package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;

import org.ipsec4j.ike.config.SettingsTree.Section;
import org.ipsec4j.ike.config.SettingsTree.Setting;
import org.junit.jupiter.api.Test;

/** The strongswan.conf syntax as swanctl.conf uses it, below any meaning. */
class SettingsSyntaxTest {

    private static Section read(String text) throws ConfigException {
        return SettingsReader.read(new SourceText("t.conf", text));
    }

    private static Setting setting(Section section, String... path) {
        Section s = section;
        for (int i = 0; i < path.length - 1; i++) {
            s = (Section) s.get(path[i]);
        }
        return assertInstanceOf(Setting.class, s.get(path[path.length - 1]));
    }

    @Test
    void sectionsSettingsCommentsAndBlankLines() throws ConfigException {
        Section root = read("""
                # a comment
                a = b

                section-one {
                \tsomevalue = asdf   # trailing comment
                    subsection {
                        othervalue = x y  z
                    }
                    # }{ braces in comments are fine
                    yetanother = zz
                }
                section-two { x = 12
                }
                """);
        assertEquals("b", setting(root, "a").value());
        assertEquals("asdf", setting(root, "section-one", "somevalue").value());
        assertEquals("x y  z", setting(root, "section-one", "subsection", "othervalue").value());
        assertEquals("zz", setting(root, "section-one", "yetanother").value());
        assertEquals("12", setting(root, "section-two", "x").value());
        assertEquals(List.of("a", "section-one", "section-two"),
                root.entries().stream().map(SettingsTree.Entry::name).toList());
    }

    @Test
    void bracesMayStandOnTheirOwnLinesAndSectionsMayBeEmpty() throws ConfigException {
        Section root = read("conn\n{\n  key\n  =\tvalue\n}\nempty {}\nother { }");
        assertEquals("value", setting(root, "conn", "key").value());
        assertEquals(List.of(), ((Section) root.get("empty")).entries());
        assertEquals(List.of(), ((Section) root.get("other")).entries());
    }

    @Test
    void quotedValues() throws ConfigException {
        Section root = read("""
                a = "  padded  "
                b = "with # hash" # and a comment
                c = "esc \\" \\\\ \\t \\n"
                d = ""
                e =
                f = unquoted # "a quote in a comment"
                """);
        assertEquals("  padded  ", setting(root, "a").value());
        assertEquals("with # hash", setting(root, "b").value());
        assertEquals("esc \" \\ \t \n", setting(root, "c").value());
        assertEquals("", setting(root, "d").value());
        assertEquals("", setting(root, "e").value());
        assertEquals("unquoted", setting(root, "f").value());
    }

    @Test
    void valueOffsetsPointIntoTheSource() throws ConfigException {
        String text = "k = \"a\\\"b\"  \nm =  x y ";
        Section root = read(text);
        Setting k = setting(root, "k");
        assertEquals("a\"b", k.value());
        assertEquals(text.indexOf('a'), k.valueOffset(0));
        assertEquals(text.indexOf('\\'), k.valueOffset(1), "an escape points at its backslash");
        assertEquals(text.indexOf('b'), k.valueOffset(2));
        assertEquals(text.indexOf('b') + 1, k.valueOffset(3), "just past the value: the closing quote");
        Setting m = setting(root, "m");
        assertEquals("x y", m.value());
        assertEquals(text.indexOf('x'), m.valueOffset(0));
    }

    @Test
    void sectionsOfTheSameNameMerge() throws ConfigException {
        Section root = read("""
                connections {
                    a {
                        version = 2
                    }
                }
                pools {
                }
                connections {
                    b {
                    }
                    a {
                        proposals = default
                    }
                }
                """);
        Section connections = (Section) root.get("connections");
        assertEquals(List.of("a", "b"), connections.entries().stream().map(SettingsTree.Entry::name).toList());
        assertEquals("2", setting(root, "connections", "a", "version").value());
        assertEquals("default", setting(root, "connections", "a", "proposals").value());
        assertEquals(List.of("connections", "pools"), root.entries().stream().map(SettingsTree.Entry::name).toList());
    }

    @Test
    void windowsLineEndsByteOrderMarkAndNamesWithUnusualCharacters() throws ConfigException {
        Section root = read("\uFEFFconnections {\r\n  gw_1-a/b@c!€ {\r\n    version = 2\r\n  }\r\n}\r\n");
        assertEquals("2", setting(root, "connections", "gw_1-a/b@c!€", "version").value());

        SwanctlConfig config = SwanctlParser.parse("""
                connections {\r
                  home {\r
                    remote_addrs = 192.0.2.1 \r
                    local {\r
                      auth = psk\r
                    }\r
                    remote {\r
                      auth = psk\r
                    }\r
                  }\r
                }\r
                """, "crlf.conf");
        assertEquals("192.0.2.1", config.connections().get("home").remoteAddrs().getFirst().toString());
    }

    @Test
    void positionsCountCodePointsAndTabs() throws ConfigException {
        SourceText source = new SourceText("t.conf", "a\n\t€𝄞x\n");
        int x = "a\n\t€𝄞".length();
        assertEquals(2, source.line(x));
        assertEquals(4, source.column(x), "tab, euro sign and a supplementary character count one each");
        assertEquals("3:1", source.position(100), "past the end: the end");
        assertEquals("1:1", source.position(0));
    }

    @Test
    void emptyAndCommentOnlyFilesAreEmptyConfigurations() throws ConfigException {
        SwanctlConfig empty = SwanctlParser.parse("", "empty.conf");
        assertEquals(0, empty.connections().size());
        assertEquals(0, SwanctlParser.parse("# nothing\n\n   \n", "c.conf").pools().size());
        assertEquals(0, SwanctlParser.parse("connections {\n}\npools {\n}\nsecrets {\n}\n", "c.conf").secrets().size());
    }
}
