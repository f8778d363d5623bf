package io.github.harbordt;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages of {@code src/main} form layers, and every dependency points down (docs/how-it-works.md). A class
 * that reaches up a layer, or two packages that need each other, fail the build here.
 */
@AnalyzeClasses(packages = "io.github.harbordt", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Bottom first: each package may use those before it, and is used only by those after it. */
    static final List<String> LAYERS = List.of(
            "exchange",  // the names of the headers and properties the routes carry
            "mapping",   // the event and log contracts: pure functions of Harbor's data
            "state",     // persistence: watermarks, ledger rows, dead letters, outbox, sightings
            "config",    // the typed settings and the rules they define
            "auth",      // how the connector proves itself to Dynatrace: token kinds, OAuth client access tokens
            "harbor",    // the Harbor API: requests, paging, parsing, selection
            "runtime",   // where images run: cluster listings and matching
            "dynatrace", // batching and delivery to Dynatrace, the outbox
            "kamelet",   // the beans behind the library's Kamelets
            "notify",    // new-vulnerability decisions and channels
            "pipeline",  // the cycles: crawl and audit routes, the delivery ledger
            "webhook",   // Harbor's webhooks, going the crawl's way
            "demo",      // the built-in demo registry
            "app");      // wiring, run modes, the entry point

    @ArchTest
    static final ArchRule dependenciesPointDown = layers();

    @ArchTest
    static final ArchRule noPackagesNeedEachOther = slices().matching("io.github.harbordt.(*)..").should().beFreeOfCycles();

    private static ArchRule layers() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            rule = layer.equals("app")
                    ? rule.layer(layer).definedBy("io.github.harbordt", "io.github.harbordt.app..")
                    : rule.layer(layer).definedBy("io.github.harbordt." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).toArray(String[]::new);
            rule = rule.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above);
        }
        return rule.whereLayer("app").mayNotBeAccessedByAnyLayer();
    }

    /** A package added without a place in the layers would escape the rule above. */
    @ArchTest
    static final ArchRule everyPackageHasALayer = classes().should().resideInAnyPackage(Stream.concat(
            Stream.of("io.github.harbordt"), LAYERS.stream().map(l -> "io.github.harbordt." + l + "..")).toArray(String[]::new));
}
