// Errors and responses shaped exactly like axios's, for stubbing at the adapter or api level.
import { AxiosError, AxiosHeaders } from 'axios'

/** Response headers as the browser reports them (axios lower-cases the names it parses). */
export function headersFrom(raw = {}) {
  const text = Object.entries(raw)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')
  return AxiosHeaders.from(text)
}

/** What an adapter resolves or rejects with for `status`, as axios's own adapters do. */
export function reply(config, status, data, headers = {}) {
  const response = {
    data: data === undefined ? '' : JSON.stringify(data),
    status,
    statusText: String(status),
    headers: headersFrom({ 'Content-Type': 'application/json', ...headers }),
    config,
    request: {},
  }
  if (status >= 200 && status < 300) return Promise.resolve(response)
  return Promise.reject(
    new AxiosError(
      `Request failed with status code ${status}`,
      status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
      config,
      response.request,
      response,
    ),
  )
}

/** An HTTP error the way axios rejects with it (for spying on `api` methods). */
export function httpError(status, data = {}, headers = {}) {
  const config = { headers: new AxiosHeaders() }
  const response = { data, status, statusText: String(status), headers: headersFrom(headers), config, request: {} }
  return new AxiosError(
    `Request failed with status code ${status}`,
    status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
    config,
    {},
    response,
  )
}

/** No answer at all: the server is down or the network is gone. */
export function networkError() {
  return new AxiosError('Network Error', AxiosError.ERR_NETWORK, { headers: new AxiosHeaders() }, {})
}

/** A promise with its resolve/reject exposed, to hold a request open. */
export function deferred() {
  let resolve
  let reject
  const promise = new Promise((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
