import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Routes Nest's own logging (and `new Logger(Context)` in services) into pino as JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string, ...rest: string[]): void {
    // `logger.log(obj, 'what happened')` from a service arrives as (obj, 'what happened', context).
    if (rest.length > 0) this.write('info', message, rest[rest.length - 1], undefined, context);
    else this.write('info', message, context);
  }
  error(message: unknown, stackOrText?: string, context?: string): void {
    // Nest passes (message, stack, context); `logger.error(obj, 'what happened')` lands the text in `stack`.
    if (stackOrText && !stackOrText.includes('\n    at ')) {
      this.write('error', message, context, undefined, stackOrText);
    } else {
      this.write('error', message, context ?? stackOrText, context ? stackOrText : undefined);
    }
  }
  warn(message: unknown, context?: string, ...rest: string[]): void {
    if (rest.length > 0) this.write('warn', message, rest[rest.length - 1], undefined, context);
    else this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context?: string,
    stack?: string,
    text?: string,
  ): void {
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, text ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message, stack }, text);
    } else {
      this.logger[level]({ context, stack }, String(message));
    }
  }
}
