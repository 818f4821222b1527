<?php

declare(strict_types=1);

namespace TempMailTests;

use Psr\Http\Client\ClientInterface;
use Psr\Http\Client\NetworkExceptionInterface;
use Psr\Http\Message\RequestInterface;
use Psr\Http\Message\ResponseInterface;

/** A PSR-18 client that answers with a callable and records every request (offline tests). */
final class FakeHttpClient implements ClientInterface
{
    /** @var list<RequestInterface> */
    public array $requests = [];

    /** @var callable(RequestInterface): ResponseInterface */
    public $respond;

    public function sendRequest(RequestInterface $request): ResponseInterface
    {
        $this->requests[] = $request;

        return ($this->respond)($request);
    }

    /** A PSR-18 network exception, as a real client would throw on connection failure. */
    public static function networkError(RequestInterface $request): NetworkExceptionInterface
    {
        return new class ('Connection refused', $request) extends \RuntimeException implements NetworkExceptionInterface {
            public function __construct(string $message, private readonly RequestInterface $request)
            {
                parent::__construct($message);
            }

            public function getRequest(): RequestInterface
            {
                return $this->request;
            }
        };
    }
}
