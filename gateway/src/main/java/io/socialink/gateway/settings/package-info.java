@NullMarked
package io.socialink.gateway.settings;

import org.jspecify.annotations.NullMarked;
