package io.github.hixie76.testing;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * This build's pom.xml as tests read it (versions, plugins, the jars it makes), and pom
 * fragments such as README's dependencies. For one thread at a time (DOM is not thread-safe).
 */
public final class Pom {

    private final Element project;

    private Pom(Element project) {
        this.project = project;
    }

    /** This repository's pom.xml. */
    public static Pom read() throws Exception {
        return new Pom(parse(Files.readString(Path.of("pom.xml"))));
    }

    public String version() {
        return text(project, "version");
    }

    /** The version of a dependency of this build, a ${property} resolved; null when it has no such dependency. */
    public String dependencyVersion(String groupId, String artifactId) {
        for (Element dependency : children(only(project, "dependencies"), "dependency")) {
            if (text(dependency, "groupId").equals(groupId) && text(dependency, "artifactId").equals(artifactId)) {
                return resolve(text(dependency, "version"));
            }
        }
        return null;
    }

    /** The version of a build plugin, by artifactId. */
    public String pluginVersion(String artifactId) {
        return text(plugin(artifactId), "version");
    }

    /** The classifiers of the jars this build writes besides the WAR (the maven-jar-plugin executions), in order. */
    public List<String> jarClassifiers() {
        List<String> classifiers = new ArrayList<>();
        for (Element execution : children(only(plugin("maven-jar-plugin"), "executions"), "execution")) {
            classifiers.add(text(only(execution, "configuration"), "classifier"));
        }
        return classifiers;
    }

    /** The {@code <dependency>} elements of a fragment that is a list of them. */
    public static List<Element> dependencies(String fragment) throws Exception {
        return children(parse("<dependencies>" + fragment + "</dependencies>"), "dependency");
    }

    /** The one child element {@code name}'s text, trimmed. */
    public static String text(Element parent, String name) {
        return only(parent, name).getTextContent().strip();
    }

    /** The child elements named {@code name}, or an empty list. */
    public static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                children.add(element);
            }
        }
        return children;
    }

    /** An element as XML text, without an XML declaration. */
    public static String toXml(Element element) throws Exception {
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter xml = new StringWriter();
        transformer.transform(new DOMSource(element), new StreamResult(xml));
        return xml.toString();
    }

    private Element plugin(String artifactId) {
        for (Element plugin : children(only(only(project, "build"), "plugins"), "plugin")) {
            if (text(plugin, "artifactId").equals(artifactId)) {
                return plugin;
            }
        }
        throw new AssertionError("no plugin " + artifactId + " in pom.xml");
    }

    private String resolve(String value) {
        Matcher property = Pattern.compile("\\$\\{(.+)}").matcher(value);
        return property.matches() ? text(only(project, "properties"), property.group(1)) : value;
    }

    private static Element only(Element parent, String name) {
        List<Element> children = children(parent, name);
        if (children.size() != 1) {
            throw new AssertionError("expected one <" + name + "> in <" + parent.getTagName() + ">, got " + children.size());
        }
        return children.get(0);
    }

    private static Element parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)))
                .getDocumentElement();
    }
}
