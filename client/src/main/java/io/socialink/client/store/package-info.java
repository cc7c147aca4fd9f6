@NullMarked
package io.socialink.client.store;

import org.jspecify.annotations.NullMarked;
