package com.example.boot;

import io.github.hixie76.api.EndpointPath;
import io.github.hixie76.server.Hixie76Initializer;
import java.util.HashSet;
import java.util.Set;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

@Configuration
@Profile("initializer")
public class InitializerRegistration {

    /**
     * Spring Boot's embedded server runs no ServletContainerInitializer found in a jar, so the
     * library's runs here: it registers the context-param hixie76.endpoints (set in
     * application.properties) and the @EndpointPath classes of this application's package.
     */
    @Bean
    public ServletContextInitializer hixie76Endpoints() {
        return context -> new Hixie76Initializer().onStartup(annotatedEndpoints(), context);
    }

    private static Set<Class<?>> annotatedEndpoints() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(EndpointPath.class));
        Set<Class<?>> endpoints = new HashSet<>();
        for (BeanDefinition found : scanner.findCandidateComponents(BootApplication.class.getPackageName())) {
            endpoints.add(ClassUtils.resolveClassName(found.getBeanClassName(), BootApplication.class.getClassLoader()));
        }
        return endpoints;
    }
}
