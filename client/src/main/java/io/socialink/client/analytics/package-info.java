@NullMarked
package io.socialink.client.analytics;

import org.jspecify.annotations.NullMarked;
