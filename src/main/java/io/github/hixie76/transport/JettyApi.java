package io.github.hixie76.transport;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jetty 12's connection API, reached by reflection: a webapp does not see Jetty's classes, so
 * each call here is a typed wrapper over a {@link Method} looked up once per Jetty class
 * loader, and Jetty's interfaces are implemented by {@link Proxy} instances made in Jetty's
 * class loader, whose calls are told apart by their {@code Method} objects ({@link #is}).
 * Immutable and thread-safe.
 */
final class JettyApi {

    private static final ConcurrentHashMap<ClassLoader, JettyApi> BY_LOADER = new ConcurrentHashMap<>();

    private final ClassLoader jetty;
    private final Class<?> connectionType;
    private final Class<?> upgradeToType;
    private final Class<?> callbackType;
    private final String upgradeAttribute;
    private final Method getRequest;
    private final Method setAttribute;
    private final Method getConnectionMetaData;
    private final Method getConnection;
    private final Method getEndPoint;
    private final Method fill;
    private final Method fillInterested;
    private final Method write;
    private final Method close;
    private final Method setIdleTimeout;
    private final Method onUpgradeFrom;
    /** Jetty's calls on a connection proxy. */
    final Method onOpen;
    final Method onClose;
    final Method onUpgradeTo;
    final Method onIdleExpired;
    final Method connectionGetEndPoint;
    final Method connectionClose;
    final Method getCreatedTimeStamp;
    /** getMessagesIn/Out, getBytesIn/Out: statistics this connection does not keep. */
    final List<Method> statistics;
    /** addEventListener, removeEventListener: no listener is ever notified. */
    final List<Method> listeners;
    /** Jetty's calls on a callback proxy. */
    final Method succeeded;
    final Method failed;
    final Method getInvocationType;
    /** {@code Invocable.InvocationType.BLOCKING}, what a callback that may run application code answers. */
    final Object blocking;
    private final Constructor<?> connectionProxy;
    private final Constructor<?> callbackProxy;

    private JettyApi(ClassLoader jetty, Class<?> servletRequest) throws ReflectiveOperationException {
        this.jetty = jetty;
        Class<?> request = type("org.eclipse.jetty.server.Request");
        Class<?> metaData = type("org.eclipse.jetty.server.ConnectionMetaData");
        Class<?> endPoint = type("org.eclipse.jetty.io.EndPoint");
        connectionType = type("org.eclipse.jetty.io.Connection");
        upgradeToType = type("org.eclipse.jetty.io.Connection$UpgradeTo");
        callbackType = type("org.eclipse.jetty.util.Callback");
        upgradeAttribute = (String) type("org.eclipse.jetty.server.HttpStream").getField("UPGRADE_CONNECTION_ATTRIBUTE")
                .get(null);
        getRequest = servletRequest.getMethod("getRequest");
        setAttribute = type("org.eclipse.jetty.util.Attributes").getMethod("setAttribute", String.class, Object.class);
        getConnectionMetaData = request.getMethod("getConnectionMetaData");
        getConnection = metaData.getMethod("getConnection");
        getEndPoint = connectionType.getMethod("getEndPoint");
        fill = endPoint.getMethod("fill", ByteBuffer.class);
        fillInterested = endPoint.getMethod("fillInterested", callbackType);
        write = endPoint.getMethod("write", callbackType, ByteBuffer[].class);
        close = endPoint.getMethod("close");
        setIdleTimeout = endPoint.getMethod("setIdleTimeout", long.class);
        onUpgradeFrom = type("org.eclipse.jetty.io.Connection$UpgradeFrom").getMethod("onUpgradeFrom");
        onOpen = connectionType.getMethod("onOpen");
        onClose = connectionType.getMethod("onClose", Throwable.class);
        onUpgradeTo = upgradeToType.getMethod("onUpgradeTo", ByteBuffer.class);
        onIdleExpired = connectionType.getMethod("onIdleExpired", java.util.concurrent.TimeoutException.class);
        connectionGetEndPoint = getEndPoint;
        connectionClose = connectionType.getMethod("close");
        getCreatedTimeStamp = connectionType.getMethod("getCreatedTimeStamp");
        statistics = List.of(connectionType.getMethod("getMessagesIn"), connectionType.getMethod("getMessagesOut"),
                connectionType.getMethod("getBytesIn"), connectionType.getMethod("getBytesOut"));
        listeners = List.of(connectionType.getMethod("addEventListener", java.util.EventListener.class),
                connectionType.getMethod("removeEventListener", java.util.EventListener.class));
        succeeded = callbackType.getMethod("succeeded");
        failed = callbackType.getMethod("failed", Throwable.class);
        getInvocationType = callbackType.getMethod("getInvocationType");
        blocking = type("org.eclipse.jetty.util.thread.Invocable$InvocationType").getField("BLOCKING").get(null);
        connectionProxy = proxyConstructor(connectionType, upgradeToType);
        callbackProxy = proxyConstructor(callbackType);
        // Public methods of public types, but a Method checks its caller on every call unless
        // told not to; fill and write run for every read and every frame.
        for (Method method : List.of(getRequest, setAttribute, getConnectionMetaData, getConnection, getEndPoint, fill,
                fillInterested, write, close, setIdleTimeout, onUpgradeFrom)) {
            method.trySetAccessible();
        }
    }

    /** The API of the Jetty that made {@code servletRequest} (unwrapped), looked up once per class loader. */
    static JettyApi of(Class<?> servletRequest) throws ReflectiveOperationException {
        ClassLoader jetty = servletRequest.getClassLoader();
        JettyApi api = BY_LOADER.get(jetty);
        if (api == null) {
            api = new JettyApi(jetty, servletRequest);
            BY_LOADER.putIfAbsent(jetty, api);
        }
        return api;
    }

    private Class<?> type(String name) throws ClassNotFoundException {
        return Class.forName(name, false, jetty);
    }

    /** Whether a proxy call is to {@code method}. */
    static boolean is(Method called, Method method) {
        return called.equals(method);
    }

    // ---- the request, before the upgrade

    Object coreRequest(Object servletRequest) throws IOException {
        return invoke(getRequest, servletRequest);
    }

    Object httpConnection(Object coreRequest) throws IOException {
        return invoke(getConnection, invoke(getConnectionMetaData, coreRequest));
    }

    Object endPoint(Object httpConnection) throws IOException {
        return invoke(getEndPoint, httpConnection);
    }

    /** The bytes the HTTP connection read past the request, taken from it (null when none). */
    ByteBuffer takeUnparsed(Object httpConnection) throws IOException {
        return (ByteBuffer) invoke(onUpgradeFrom, httpConnection);
    }

    /** Asks Jetty to replace the HTTP connection with {@code connection} once the response completes. */
    void upgradeTo(Object coreRequest, Object connection) throws IOException {
        invoke(setAttribute, coreRequest, upgradeAttribute, connection);
    }

    // ---- the EndPoint, after it

    int fill(Object endPoint, ByteBuffer buffer) throws IOException {
        return (int) invoke(fill, endPoint, buffer);
    }

    void fillInterested(Object endPoint, Object callback) throws IOException {
        invoke(fillInterested, endPoint, callback);
    }

    void write(Object endPoint, Object callback, ByteBuffer... buffers) throws IOException {
        invoke(write, endPoint, callback, buffers);
    }

    void close(Object endPoint) throws IOException {
        invoke(close, endPoint);
    }

    void setIdleTimeout(Object endPoint, long millis) throws IOException {
        invoke(setIdleTimeout, endPoint, millis);
    }

    // ---- Jetty's interfaces, implemented here

    /** A Jetty {@code Connection} (and {@code Connection.UpgradeTo}) whose calls go to {@code handler}. */
    Object newConnection(InvocationHandler handler) {
        return newProxy(connectionProxy, handler);
    }

    /**
     * A Jetty {@code Callback} whose calls go to {@code handler}, which tells its callbacks apart
     * by the proxy; it answers {@code getInvocationType} with {@link #blocking}, Jetty's default
     * (it may run application code).
     */
    Object newCallback(InvocationHandler handler) {
        return newProxy(callbackProxy, handler);
    }

    /** The constructor of the proxy class {@code newProxyInstance} makes for these interfaces: it looks the class up on every call. */
    private Constructor<?> proxyConstructor(Class<?>... interfaces) throws ReflectiveOperationException {
        InvocationHandler none = (proxy, method, args) -> null;
        Constructor<?> constructor = Proxy.newProxyInstance(jetty, interfaces, none).getClass()
                .getConstructor(InvocationHandler.class);
        constructor.trySetAccessible();
        return constructor;
    }

    private static Object newProxy(Constructor<?> constructor, InvocationHandler handler) {
        try {
            return constructor.newInstance(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a proxy of " + constructor.getDeclaringClass(), e);
        }
    }

    /** {@code hashCode}, {@code equals} and {@code toString} of a proxy; Jetty's default methods otherwise. */
    static Object objectMethod(Object proxy, Method method, Object[] args, String name) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> name;
            };
        }
        return InvocationHandler.invokeDefault(proxy, method, args);
    }

    private static Object invoke(Method method, Object target, Object... args) throws IOException {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
    }
}
