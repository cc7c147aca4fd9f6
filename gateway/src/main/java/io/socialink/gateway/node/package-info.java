/** This gateway node's id: fixed by configuration or leased in Redis ({@code GATEWAY_NODE_ID=auto}). */
@NullMarked
package io.socialink.gateway.node;

import org.jspecify.annotations.NullMarked;
