/** The call state machine as pure functions: a command and a call's state in, events, copies and a verdict out. */
@NullMarked
package io.socialink.calls.decide;

import org.jspecify.annotations.NullMarked;
