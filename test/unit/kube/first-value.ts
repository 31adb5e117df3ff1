/** The first value of the client library's Observable (its stub has only `toPromise`). */
import type { Observable } from "@kubernetes/client-node";

export function firstValueFrom<T>(o: Observable<T>): Promise<T> {
  return o.toPromise();
}
