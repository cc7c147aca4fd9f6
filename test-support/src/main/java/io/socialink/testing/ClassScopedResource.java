package io.socialink.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Base of the local-service extensions: one resource per test class, made before its {@code @BeforeAll}
 * methods, handed to any parameter of its type, and released after the class.
 */
abstract class ClassScopedResource<T> implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Class<T> type;

    ClassScopedResource(Class<T> type) {
        this.type = type;
    }

    abstract T open(ExtensionContext context) throws Exception;

    abstract void close(T resource) throws Exception;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        store(context).put(type, open(context));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        T resource = store(context).remove(type, type);
        if (resource != null) {
            close(resource);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext current = context;
        while (current != null) {
            T resource = store(current).get(type, type);
            if (resource != null) {
                return resource;
            }
            current = current.getParent().orElse(null);
        }
        throw new IllegalStateException(type.getSimpleName() + " is made per test class; none is open here");
    }

    private ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(getClass(), context.getUniqueId()));
    }
}
