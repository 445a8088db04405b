package io.github.hixie76.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * README.md as tests read it: the fenced code blocks and the indented command lines that users
 * copy, so that tests can hold them to the files and the build they describe. Stateless.
 */
public final class Readme {

    private static final Path FILE = Path.of("README.md");

    private Readme() {
    }

    /**
     * The content of the fenced code block that follows the one line ending with {@code caption}
     * (a blank line between them), with a line end after each of its lines.
     */
    public static String blockAfter(String caption) {
        List<String> lines = lines();
        List<Integer> captions = IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).endsWith(caption)).boxed().toList();
        if (captions.size() != 1) {
            throw new AssertionError("expected one line of README.md ending with '" + caption + "', got "
                    + captions.size());
        }
        int fence = captions.get(0) + 2;
        if (fence >= lines.size() || !lines.get(fence - 1).isEmpty() || !lines.get(fence).startsWith("```")) {
            throw new AssertionError("expected a blank line and a fenced block after '" + caption + "' in README.md");
        }
        StringBuilder block = new StringBuilder();
        for (int i = fence + 1; i < lines.size(); i++) {
            if (lines.get(i).equals("```")) {
                return block.toString();
            }
            block.append(lines.get(i)).append('\n');
        }
        throw new AssertionError("the block after '" + caption + "' in README.md never ends");
    }

    /** The one command line of an indented block (four spaces) that contains {@code part}, without the indent. */
    public static String commandWith(String part) {
        List<String> commands = lines().stream().filter(line -> line.startsWith("    ") && line.contains(part))
                .map(String::strip).toList();
        if (commands.size() != 1) {
            throw new AssertionError("expected one indented command line with '" + part + "' in README.md, got "
                    + commands);
        }
        return commands.get(0);
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
