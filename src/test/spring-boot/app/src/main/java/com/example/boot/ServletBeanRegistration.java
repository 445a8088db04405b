package com.example.boot;

import io.github.hixie76.server.Hixie76Servlet;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

@Configuration
@Profile("servlet-bean")
public class ServletBeanRegistration {

    @Bean
    public ServletRegistrationBean<Hixie76Servlet> chatEndpoint() {
        ServletRegistrationBean<Hixie76Servlet> chat = new ServletRegistrationBean<>(new Hixie76Servlet(), "/chat");
        chat.setName("chat");
        chat.addInitParameter("endpoint", Chat.class.getName());
        chat.setLoadOnStartup(1);
        return chat;
    }
}
